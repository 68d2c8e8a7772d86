// A run's instance records stream to disk as its replications end (app/results/instance_spool.hpp)
// and instances.csv and trace.json read them back: the same rows as the in-memory writer, the
// same bytes whatever --jobs, and nothing per instance left in the results' memory.
#include <algorithm>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "app/report/csv_writers.hpp"
#include "app/report/trace_json.hpp"
#include "app/report/write_all.hpp"
#include "app/runner/runner.hpp"
#include "app/runner/slot_spill.hpp"
#include "app/scenario/loader.hpp"
#include "cli_run.hpp"

namespace {

namespace fs = std::filesystem;
using namespace vmcsim;
using vmcsim::test::read_text;
using vmcsim::test::ScratchDir;

using vmcsim::test::source_dir;

app::RunResults run_small(unsigned jobs, int replications = 3) {
  const auto s = app::scenario::load_scenario(fs::path{VMCSIM_TEST_DATA} / "runner" / "small.yaml");
  app::runner::RunOptions options;
  options.jobs = jobs;
  options.replications = replications;
  return app::runner::run_scenario(s, options);
}

std::string instances_csv(const app::RunResults& r) {
  std::ostringstream out;
  app::report::write_instances_csv(r, out);
  return out.str();
}

// The same results with the records held in memory, as the runner kept them before it spilled
// them: the in-memory writer's input.
app::RunResults in_memory(const app::RunResults& r) {
  app::RunResults copy = r;
  copy.spilled_instances = {};
  app::for_each_instance(r, [&](const app::InstanceRecord& i) { copy.instances.push_back(i); });
  return copy;
}

}  // namespace

TEST_CASE("a run's results hold no instance record in memory, one spilled part per replication") {
  const auto r = run_small(2, 3);
  CHECK(r.instances.empty());
  REQUIRE(r.variants.size() >= 1);
  // One part per variant and replication, in variant then replication order.
  const auto& parts = r.spilled_instances.parts;
  REQUIRE(parts.size() == r.variants.size() * 3);
  for (std::size_t k = 0; k < parts.size(); ++k) {
    CHECK(parts[k].replication == static_cast<int>(k % 3));
    CHECK(fs::exists(parts[k].chunks.at(0).file));
  }
  std::uint64_t counted = 0;
  app::for_each_instance(r, [&](const app::InstanceRecord&) { ++counted; });
  CHECK(counted > 0);
  CHECK(counted == app::instance_count(r));
}

TEST_CASE("the spilled records give the rows and trace of the in-memory writers") {
  const auto r = run_small(2);
  const auto memory = in_memory(r);
  REQUIRE(memory.instances.size() == app::instance_count(r));
  CHECK(instances_csv(r) == instances_csv(memory));
  CHECK(app::report::phase_columns(memory.instances) == app::instance_phase_names(r));
  CHECK(app::report::trace_to_json(r) == app::report::trace_to_json(memory));
  app::report::TraceOptions sample;
  sample.host_count = 1;
  sample.from = sim::Time::from_seconds(10);
  CHECK(app::report::trace_to_json(r, sample) == app::report::trace_to_json(memory, sample));
}

TEST_CASE("a sweep's instances.csv is the golden file the in-memory writer wrote") {
  // tests/app/golden/burst-sweep.instances.csv was written by the writer that held every record
  // in memory (`vmcsim sweep scenarios/burst-sweep.yaml --replications 2 --jobs 2`), before the
  // records were spilled; scripts/update-golden regenerates it after an intended change.
  const auto s = app::scenario::load_scenario(source_dir / "scenarios" / "burst-sweep.yaml");
  app::runner::RunOptions options;
  options.jobs = 2;
  options.replications = 2;
  const auto r = app::runner::run_sweep(s, options);
  CHECK(r.instances.empty());
  CHECK(instances_csv(r) ==
        read_text(source_dir / "tests" / "app" / "golden" / "burst-sweep.instances.csv"));
}

TEST_CASE("instances.csv.gz and trace.json are the same bytes with 1 or 2 workers") {
  ScratchDir dir{"spool-jobs"};
  app::report::WriteOptions gzip;
  gzip.gzip_instances = true;
  for (const unsigned jobs : {1u, 2u})
    app::report::write_all(run_small(jobs, 4), dir.path() / std::to_string(jobs), gzip);
  for (const char* file : {"instances.csv.gz", "trace.json", "results.json"}) {
    INFO(file);
    CHECK(read_text(dir.path() / "1" / file) == read_text(dir.path() / "2" / file));
  }
}

TEST_CASE("the spool's files go with the last results that hold them") {
  std::optional<app::RunResults> copy;
  fs::path file;
  {
    const auto r = run_small(1, 1);
    REQUIRE_FALSE(r.spilled_instances.parts.empty());
    file = r.spilled_instances.parts.front().chunks.at(0).file;
    copy = r;  // shares the spool
  }
  CHECK(fs::exists(file));
  const std::string csv = instances_csv(*copy);  // read back after the first owner went
  CHECK(static_cast<std::uint64_t>(std::count(csv.begin(), csv.end(), '\n')) ==
        app::instance_count(*copy) + 1);
  copy.reset();
  CHECK_FALSE(fs::exists(file));
  CHECK_FALSE(fs::exists(file.parent_path()));
}

TEST_CASE("a spilled slot crosses to rank 0 with its records and tenant slices unchanged") {
  namespace mm = models::metrics;
  mm::VariantRunMetrics run;
  run.variant = "vm";
  run.replication = 2;
  mm::InstanceLifecycle a;
  a.service = "web";
  a.host = "h1";
  a.phases = {{"boot", sim::Time::from_ms(1), sim::Time::from_ms(5)}};
  a.ready = sim::Time::from_ms(5);
  a.function_start = "cold start";
  mm::InstanceLifecycle node;
  node.service = "pool";
  node.node_vm = true;
  node.phases = {{"firmware", sim::Time::from_ms(0), sim::Time::from_ms(2)},
                 {"boot", sim::Time::from_ms(2), sim::Time::from_ms(9)}};
  run.instances = {a, node};
  const app::InstanceSpool rank1, rank0;
  auto slot = app::runner::spill_slot(run, app::scenario::Scenario{}, &rank1, 4);
  CHECK(run.instances.empty());
  REQUIRE(slot.part);
  CHECK(slot.part->phases == std::vector<std::string>{"boot", "firmware"});
  slot.tenant_slices.emplace_back().cost_usd = 3.5;

  auto back = app::runner::decode_spilled(app::runner::encode_spilled(slot));
  REQUIRE(back.part);
  // The chunks follow one message each (send_chunks); as rank 0 writes each it receives:
  for (std::size_t k = 0; k < back.part->chunks.size(); ++k)
    back.part->chunks[k] = rank0.adopt(4, k, back.part->chunks[k].rows,
                                       app::InstanceSpool::bytes_of(slot.part->chunks.at(k)));
  CHECK(back.part->chunks.at(0).file != slot.part->chunks.at(0).file);
  CHECK(back.part->rows == 2);
  CHECK(back.part->phases == slot.part->phases);
  REQUIRE(back.tenant_slices.size() == 1);
  CHECK(back.tenant_slices[0].cost_usd == 3.5);
  std::vector<mm::InstanceLifecycle> read;
  mm::InstanceLifecycle into;
  app::InstanceSpool::read(*back.part, into, [&] { read.push_back(into); });
  REQUIRE(read.size() == 2);
  CHECK(read[0].service == "web");
  CHECK(read[0].ready == sim::Time::from_ms(5));
  CHECK(read[0].function_start == "cold start");
  CHECK(read[1].service == "node");        // a node VM is listed as "node"
  CHECK_FALSE(read[1].ready.has_value());  // not left over from the record before
  CHECK(read[1].phases.size() == 2);
  CHECK(read[1].phases[1].end == sim::Time::from_ms(9));
}
