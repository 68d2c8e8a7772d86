// Within a replication the instance records leave memory as instances end
// (app/results/instance_stream.hpp): they come back in creation order, whatever order the
// instances ended in and wherever the chunks split them, and a run's files are the same bytes as
// when each job kept its records until it ended (RunOptions::instance_chunk_rows = 0). Both
// paths take the collector's one hand-over (models/metrics/instance_records.hpp), so the last
// test checks the stream, the spool and the writers, not the hand-over: that is checked against
// the world itself in tests/models/metrics_instance_sink_test.cpp.
#include <algorithm>
#include <filesystem>
#include <numeric>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "app/report/write_all.hpp"
#include "app/results/instance_stream.hpp"
#include "app/runner/runner.hpp"
#include "app/scenario/loader.hpp"
#include "cli_run.hpp"

namespace {

namespace fs = std::filesystem;
namespace mm = vmcsim::models::metrics;
using namespace vmcsim;
using vmcsim::test::read_text;
using vmcsim::test::ScratchDir;

using vmcsim::test::source_dir;

// Record k of a replication: its own service, host and phases (a phase name or two per record,
// some shared), so that a record out of place or a wrong phase order shows.
mm::InstanceLifecycle record(std::size_t k) {
  mm::InstanceLifecycle r;
  r.service = "svc-" + std::to_string(k);
  r.host = "h" + std::to_string(k % 3);
  r.node_vm = k % 4 == 3;
  const auto t = [](std::size_t ms) { return sim::Time::from_ms(static_cast<double>(ms)); };
  r.phases.push_back({"phase-" + std::to_string(k % 5), t(k), t(k + 1)});
  if (k % 2 == 0) r.phases.push_back({"stop-" + std::to_string(k % 3), t(k + 1), t(k + 2)});
  r.requested = t(k);
  if (k % 3 != 0) r.ready = t(k + 1);
  r.state = k % 3 == 0 ? models::InstanceState::failed : models::InstanceState::running;
  return r;
}

std::vector<mm::InstanceLifecycle> read_back(const app::InstanceSpool::Part& part) {
  std::vector<mm::InstanceLifecycle> out;
  mm::InstanceLifecycle into;
  app::InstanceSpool::read(part, into, [&] { out.push_back(into); });
  return out;
}

// What the stream must give back: the records in creation order, as the spool's one-part write
// of them in memory (node VMs listed as "node") reads them.
struct Expected {
  std::vector<mm::InstanceLifecycle> records;
  std::vector<std::string> phases;
};
Expected expected(const app::InstanceSpool& spool, std::size_t n) {
  std::vector<mm::InstanceLifecycle> in_order;
  for (std::size_t k = 0; k < n; ++k) {
    in_order.push_back(record(k));
    if (in_order.back().node_vm) in_order.back().service = "node";
  }
  const auto part = spool.write(999'999, "v", 0, in_order);
  return {read_back(part), part.phases};
}

void check_same(const std::vector<mm::InstanceLifecycle>& got,
                const std::vector<mm::InstanceLifecycle>& want) {
  REQUIRE(got.size() == want.size());
  for (std::size_t k = 0; k < got.size(); ++k) {
    INFO("record " << k);
    CHECK(got[k].service == want[k].service);
    CHECK(got[k].host == want[k].host);
    CHECK(got[k].phases.size() == want[k].phases.size());
    CHECK(got[k].phases.front().name == want[k].phases.front().name);
    CHECK(got[k].ready == want[k].ready);
    CHECK(got[k].state == want[k].state);
    CHECK(got[k].function_start == want[k].function_start);
  }
}

}  // namespace

TEST_CASE("a stream gives its records back in creation order whatever order the instances ended in",
          "[stream]") {
  const app::InstanceSpool spool;
  constexpr std::size_t n = 5;
  const Expected want = expected(spool, n);
  std::vector<std::size_t> ended(n);
  std::iota(ended.begin(), ended.end(), 0);
  std::size_t key = 0;
  do {  // every order of ending, with chunks of 1 to more than n records
    for (const std::size_t chunk : {1u, 2u, 3u, 5u, 8u}) {
      INFO("chunk " << chunk);
      app::InstanceStream stream{spool, key++, chunk};
      for (const std::size_t k : ended)
        stream.take(k, record(k));
      const auto part = stream.close("v", 0);
      CHECK(part.rows == n);
      CHECK(part.chunks.size() == (n + chunk - 1) / chunk);
      CHECK(part.phases == want.phases);
      check_same(read_back(part), want.records);
      app::InstanceSpool::remove(part);
    }
  } while (std::next_permutation(ended.begin(), ended.end()));
}

TEST_CASE("a stream whose records fill its chunks exactly writes full chunks and holds no more",
          "[stream]") {
  const app::InstanceSpool spool;
  constexpr std::size_t chunk = 4, n = 3 * chunk;
  app::InstanceStream stream{spool, 0, chunk};
  for (std::size_t k = n; k-- > 0;)  // the last-created instance ended first
    stream.take(k, record(k));
  CHECK(stream.held_peak() == chunk);
  const auto part = stream.close("v", 1);
  REQUIRE(part.chunks.size() == 3);
  for (const auto& c : part.chunks)
    CHECK(c.rows == chunk);
  const Expected want = expected(spool, n);
  CHECK(part.phases == want.phases);
  check_same(read_back(part), want.records);
}

TEST_CASE("a stream of more chunks than a reader should hold open merges them down at close",
          "[stream]") {
  const app::InstanceSpool spool;
  constexpr std::size_t n = 23;
  app::InstanceStream stream{spool, 0, 2, 3};  // chunks of 2 records, at most 3 chunks
  for (std::size_t k = 0; k < n; ++k)
    stream.take((k * 7) % n, record((k * 7) % n));  // a scattered order of ending
  const auto part = stream.close("v", 0);
  CHECK(part.chunks.size() <= 3);
  std::uint64_t rows = 0;
  for (const auto& c : part.chunks) {
    rows += c.rows;
    CHECK(fs::exists(c.file));
  }
  CHECK(rows == n);
  const Expected want = expected(spool, n);
  CHECK(part.phases == want.phases);
  check_same(read_back(part), want.records);
}

TEST_CASE("a stream of no instance gives an empty part that reads back nothing", "[stream]") {
  const app::InstanceSpool spool;
  app::InstanceStream stream{spool, 0, 4};
  const auto part = stream.close("v", 0);
  CHECK(part.rows == 0);
  CHECK(part.phases.empty());
  CHECK(read_back(part).empty());
  CHECK(stream.held_peak() == 0);
}

TEST_CASE("the function fields known at the end reach the records written before it", "[stream]") {
  const app::InstanceSpool spool;
  app::InstanceStream stream{spool, 0, 2};
  for (const std::size_t k : {3u, 1u, 0u, 2u})
    stream.take(k, record(k));
  stream.amend(2, "pre-warm", true);
  stream.amend(0, "cold start", false);
  const auto back = read_back(stream.close("v", 0));
  REQUIRE(back.size() == 4);
  CHECK(back[0].function_start == "cold start");
  CHECK_FALSE(back[0].keep_alive_unload);
  CHECK(back[1].function_start.empty());
  CHECK(back[2].function_start == "pre-warm");
  CHECK(back[2].keep_alive_unload);
  CHECK(back[3].function_start.empty());
}

TEST_CASE("records streamed in small chunks give the files of records kept until the job ended",
          "[stream]") {
  // Scenarios whose instances end in many orders: scale-in, keep-alive and pre-warm of functions
  // (records amended at the end), crashes and host failures, tenants (slices read back).
  const std::vector<fs::path> scenarios = {
      fs::path{VMCSIM_TEST_DATA} / "runner" / "small.yaml",
      source_dir / "scenarios" / "serverless-azure.yaml",
      source_dir / "scenarios" / "zone-outage-crashes.yaml",
      source_dir / "scenarios" / "multi-tenant.yaml",
  };
  for (const auto& file : scenarios) {
    INFO(file.string());
    ScratchDir dir{"stream-" + file.stem().string()};
    const auto s = app::scenario::load_scenario(file);
    std::uint64_t chunks = 0, parts = 0;
    for (const std::size_t rows : {std::size_t{0}, std::size_t{5}}) {
      app::runner::RunOptions options;
      options.jobs = 2;
      // Two replications of the small scenario; one of the shipped ones, whose variants already
      // make several parts to merge (two of them took 95 s under the sanitizers).
      options.replications = file.stem() == "small" ? 2 : 1;
      options.instance_chunk_rows = rows;
      const auto r = app::runner::run_scenario(s, options);
      if (rows > 0) {
        for (const auto& part : r.spilled_instances.parts) {
          ++parts;
          chunks += part.chunks.size();
          for (const auto& c : part.chunks)
            CHECK(c.rows <= rows);
        }
      }
      app::report::WriteOptions write;
      write.gzip_instances = false;
      app::report::write_all(r, dir.path() / std::to_string(rows), write);
    }
    CHECK(chunks > parts);  // the records did not fit in one chunk: the merge was exercised
    for (const char* out : {"instances.csv", "trace.json", "results.json"}) {
      INFO(out);
      CHECK(read_text(dir.path() / "0" / out) == read_text(dir.path() / "5" / out));
    }
  }
}
