#include "app/runner/runner.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "app/diagnostic.hpp"
#include "app/runner/failures.hpp"
#include "app/runner/interference.hpp"
#include "app/runner/mpi_session.hpp"
#include "app/runner/placement_benchmark.hpp"
#include "app/runner/placement_row_codec.hpp"
#include "app/runner/serverless.hpp"
#include "app/runner/slot_spill.hpp"
#include "app/runner/world.hpp"
#include "app/runner/tenancy.hpp"
#include "app/scenario/loader.hpp"
#include "models/cluster/cluster.hpp"
#include "models/metrics/collector.hpp"
#include "models/metrics/summary.hpp"
#include "models/refusal.hpp"
#include "sim/simulation.hpp"

namespace vmcsim::app::runner {
namespace {

namespace mm = models::metrics;

// One (point, variant, replication) of the run.
struct Job {
  std::size_t point = 0;
  std::size_t variant = 0;
  std::uint64_t replication = 0;
};

// What the jobs leave behind, one slot per job (in job order). The metrics sit in their own
// array so the runs of one variant are contiguous for summarize() without a copy.
struct JobResults {
  explicit JobResults(std::size_t n) : metrics(n), wall_seconds(n, 0.0), done(n, 0), spilled(n) {}
  std::vector<mm::VariantRunMetrics> metrics;
  std::vector<double> wall_seconds;
  std::vector<char> done;  // ran to the end (not stopped by RunOptions::stop)
  // What each job's instance records left behind once spilled (slot_spill.hpp).
  std::vector<SpilledSlot> spilled;
};

// Thrown inside a job that RunOptions::stop ended; never leaves run_jobs.
struct JobStopped {};

// A job advances in this many slices of its simulated duration, reporting progress and
// checking for a stop in between. Slicing run_until does not change which events run or in
// which order (no model calls Simulation::stop), so results are the same bytes.
constexpr int kSlices = 100;

mm::VariantRunMetrics run_job(const PreparedWorld& world, std::size_t variant, std::uint64_t seed,
                              std::uint64_t replication, sim::Time warmup,
                              const std::function<void(const sim::Simulation&)>& tick,
                              const std::atomic<bool>* stop, mm::InstanceSink* records,
                              bool keep_records) {
  const PreparedVariant& pv = world.variants[variant];
  sim::Simulation sim;
  models::ClusterConfig config = pv.cluster;
  config.seed = seed;
  config.replication = replication;
  apply_health(config, world.failures.health);  // [failures] readiness probes
  models::Cluster cluster{sim, config};
  mm::CollectorConfig cc;
  cc.variant = config.variant.name;
  cc.replication = replication;
  cc.services = world.service_metrics;
  cc.bursts = world.bursts;
  cc.end = world.duration;
  cc.warmup = warmup;
  // The instance records go to `records` as instances end (instance_stream.hpp), or into the
  // metrics with `keep_records`, or are not made when nothing reads them.
  cc.record_instances = keep_records || records != nullptr;
  cc.instance_sink = records;
  mm::MetricsCollector collector{sim, cc};
  collector.connect(cluster);
  // Failures (app/runner/failures.hpp): only when the scenario has some, or a startup probe
  // that may restart containers, so that other runs keep their event trajectory.
  std::unique_ptr<FailureDriver> failures;
  if (!world.failures.empty() || world.failures.has_startup_probes())
    failures = std::make_unique<FailureDriver>(
        sim, cluster, world.failures, recovery_kind(config.variant),
        FailureDriver::Window{world.duration, warmup}, seed, replication);

  // Streams and processes live at stable addresses for the whole run.
  std::vector<std::unique_ptr<sim::RandomStream>> streams;
  std::vector<std::unique_ptr<models::ArrivalProcess>> processes;
  for (const WorkloadPlan& plan : world.workloads) {
    streams.push_back(std::make_unique<sim::RandomStream>(seed, replication, plan.stream_name));
    processes.push_back(make_arrivals(plan, *streams.back()));
    const std::size_t service = plan.service;
    processes.back()->start(
        sim, *streams.back(),
        [&cluster, service](const models::Request& r) { cluster.submit(service, r); },
        world.duration);
  }
  for (int k = 1; k <= kSlices; ++k) {
    if (stop != nullptr && stop->load(std::memory_order_relaxed)) throw JobStopped{};
    sim.run_until(k == kSlices ? world.duration : world.duration * k / kSlices);
    tick(sim);
  }
  for (auto& p : processes)
    p->stop();
  mm::VariantRunMetrics metrics = collector.finish(sim.now());
  if (failures) failures->finish(sim.now(), metrics);
  add_function_metrics(cluster, sim.now(), metrics);
  return metrics;
}

// Runs job(order[k]) for k in [0, n) on `threads` workers, starting none once `stop` is set;
// each job writes slot i only. An exception of job i goes to errors[i]; after all jobs, the
// first one in slot order is rethrown.
void parallel_jobs(const std::vector<std::size_t>& order, unsigned threads,
                   const std::atomic<bool>* stop, const std::function<void(std::size_t)>& job) {
  const std::size_t n = order.size();
  std::vector<std::exception_ptr> errors(n);
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t k = next++; k < n; k = next++) {
      if (stop != nullptr && stop->load(std::memory_order_relaxed)) break;
      const std::size_t i = order[k];
      try {
        job(i);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  {
    std::vector<std::jthread> pool;
    const unsigned workers = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(n)));
    for (unsigned t = 1; t < workers; ++t)
      pool.emplace_back(worker);
    worker();
  }  // joined
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

std::vector<std::size_t> identity_order(std::size_t n) {
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i)
    order[i] = i;
  return order;
}

// Serialises progress reports and counts finished jobs.
class ProgressReporter {
 public:
  ProgressReporter(const RunOptions& options, std::size_t jobs) : options_(options), jobs_(jobs) {}
  void report(JobProgress p, bool finished) {
    if (!options_.progress) return;
    std::lock_guard lock{mutex_};
    if (finished) ++ended_;
    p.jobs = jobs_;
    p.finished_jobs = ended_;
    p.finished = finished;
    options_.progress(p);
  }

 private:
  const RunOptions& options_;
  std::size_t jobs_;
  std::size_t ended_ = 0;
  std::mutex mutex_;
};

// The jobs in the order they run: replication by replication (see RunOptions::stop).
std::vector<std::size_t> run_order(const std::vector<Job>& jobs) {
  std::vector<std::size_t> order = identity_order(jobs.size());
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return jobs[a].replication < jobs[b].replication;
  });
  return order;
}

// This rank's share of `order` under MPI (mpi_session.hpp): every size-th job from its rank
// on, so each rank gets whole replications first too. All of it with one rank.
std::vector<std::size_t> share_of(const std::vector<std::size_t>& order, const Ranks& ranks) {
  std::vector<std::size_t> mine;
  for (std::size_t k = static_cast<std::size_t>(ranks.rank); k < order.size();
       k += static_cast<std::size_t>(ranks.size))
    mine.push_back(order[k]);
  return mine;
}

// Runs the cluster jobs of `order`, in that order; each writes slot i of `results` only.
// The last counterfactuals.size() points are interference baselines (interference.hpp), told in
// the progress as the baseline of the point each quiets.
void run_jobs(const std::vector<Job>& jobs, const std::vector<std::size_t>& order,
              JobResults& results, const std::vector<scenario::Scenario>& points,
              std::span<const Counterfactual> counterfactuals,
              const std::vector<std::unique_ptr<PreparedWorld>>& worlds, std::uint64_t seed,
              unsigned threads, const RunOptions& options, const InstanceSpool& spool) {
  ProgressReporter reporter{options, order.size()};
  const std::size_t shown = points.size() - counterfactuals.size();
  parallel_jobs(order, threads, options.stop, [&](std::size_t i) {
    const Job& job = jobs[i];
    const auto start = std::chrono::steady_clock::now();
    JobProgress p{job.point, shown, job.variant, job.replication,
                  0,         0,     sim::Time{}, worlds[job.point]->duration,
                  0,         false, {}};
    if (job.point >= shown) {  // [tenants]
      p.point = counterfactuals[job.point - shown].point;
      p.interference_baseline = counterfactuals[job.point - shown].tenant;
    }
    // The first point's records are the ones listed; a point with tenants reads its own.
    const bool listed = job.point == 0;
    std::optional<InstanceStream> records;
    const bool needed = needs_records(points[job.point], listed);
    const bool streamed = needed && options.instance_chunk_rows > 0;
    if (streamed) records.emplace(spool, i, options.instance_chunk_rows);
    try {
      results.metrics[i] = run_job(
          *worlds[job.point], job.variant, seed, job.replication, points[job.point].warmup,
          [&](const sim::Simulation& sim) {
            p.now = sim.now();
            p.events = sim.events_processed();
            p.peak_pending = sim.peak_pending();
            reporter.report(p, false);
          },
          options.stop, records ? &*records : nullptr, needed && !streamed);
      results.done[i] = 1;
      // Spilled as the job went: its records need not wait for the others (slot_spill.hpp).
      if (records) {
        results.spilled[i] = spill_stream(*records, results.metrics[i], points[job.point], listed);
      } else {
        results.spilled[i] =
            spill_slot(results.metrics[i], points[job.point], listed ? &spool : nullptr, i);
      }
    } catch (const JobStopped&) {
      return;  // not a result: left out, and not reported as finished
    } catch (const models::ConfigurationRefused& e) {
      // A model refusing what the variant asks of it (a service its profile cannot run, a
      // task no Fargate size covers, ...): bad input, placed at the variant's entry. Any
      // other exception (even a std::invalid_argument such as "scheduled before now") is a
      // broken contract and stays what it is: an internal error.
      const scenario::Variant& v = points[job.point].variants[job.variant];
      throw InputError(v.where, "variants", fmt::format("variant '{}': {}", v.name, e.what()));
    }
    results.wall_seconds[i] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    reporter.report(p, true);
  });
}

VariantSummary summary_of(const scenario::Variant& v, const scenario::Slo& slo,
                          std::span<const mm::VariantRunMetrics> runs) {
  VariantSummary s;
  static_cast<mm::VariantEstimates&>(s) = mm::summarize(runs);
  if (slo.startup_p99) s.slo.push_back(mm::startup_p99_verdict(s, *slo.startup_p99));
  s.platform = v.platform;
  s.profile = v.profile;
  return s;
}

nlohmann::json yaml_to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json j = nlohmann::json::object();
      for (const auto& kv : n)
        j[kv.first.as<std::string>()] = yaml_to_json(kv.second);
      return j;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& e : n)
        j.push_back(yaml_to_json(e));
      return j;
    }
    case YAML::NodeType::Scalar: {
      const std::string text = n.Scalar();
      if (n.Tag() == "!") return text;  // quoted
      std::int64_t i = 0;
      if (YAML::convert<std::int64_t>::decode(n, i)) return i;
      double d = 0;
      if (YAML::convert<double>::decode(n, d)) return d;
      bool b = false;
      if (YAML::convert<bool>::decode(n, b)) return b;
      return text;
    }
    default:
      return nullptr;
  }
}

// The values the file did not give that loading filled in (Scenario::assumptions), each marked
// with where it applies and why: {field, value, reason, at: "FILE:LINE:COL"}. Always present, so
// an empty list says nothing was assumed.
nlohmann::json assumptions_of(const scenario::Scenario& s) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& a : s.assumptions)
    list.push_back({{"field", a.field},
                    {"value", a.value},
                    {"reason", a.reason},
                    {"at", app::to_string(a.where)}});
  return list;
}

// The scenario file as JSON with the values the run used: seed, replications, the sweep
// point's values (already in source_text), the imported services' resources and what was
// assumed.
nlohmann::json resolved_scenario(const scenario::Scenario& s, const PreparedWorld& world,
                                 std::uint64_t seed, int replications) {
  nlohmann::json j = yaml_to_json(YAML::Load(s.source_text));
  j["seed"] = seed;
  j["replications"] = replications;
  j["assumptions"] = assumptions_of(s);
  if (j.contains("services") && j["services"].is_array()) {
    for (std::size_t i = 0; i < world.services.size() && i < j["services"].size(); ++i) {
      const auto& sv = world.services[i];
      auto& js = j["services"][i];
      js["cpu"] = fmt::format("{}m", sv.cpu_request.value());
      js["cpu_limit"] =
          sv.cpu_limit.value() > 0 ? fmt::format("{}m", sv.cpu_limit.value()) : std::string{"none"};
      js["memory"] = fmt::format("{}", sv.memory_request.count());
      js["memory_limit"] = fmt::format("{}", sv.memory_limit.count());
      js["replicas"] = sv.replicas;
      const models::ServiceConfig* cfg =
          world.variants.empty() ? nullptr : &world.variants[0].cluster.services[i];
      if (cfg && cfg->image) js["image"] = cfg->image->name;
      if (sv.autoscaling.kind != scenario::AutoscalerKind::none) {
        js["autoscaling"]["kind"] = scenario::to_string(sv.autoscaling.kind);
        js["autoscaling"]["min_replicas"] = sv.autoscaling.min_replicas;
        js["autoscaling"]["max_replicas"] = sv.autoscaling.max_replicas;
        js["autoscaling"]["target_cpu_utilization"] = sv.autoscaling.target_cpu_utilization;
      }
    }
  }
  return j;
}

struct PointResult {
  std::vector<VariantSummary> variants;
  std::vector<PairedDifference> differences;
  std::vector<PairedDifference> isolation_cost;  // [tenants]
  std::vector<models::tenancy::TenantEstimates> tenants;
};

// Summaries and baseline differences of one point from its runs (variant-major).
// `seed_of` maps a replication to the seed its streams derive from (per_replication).
PointResult summarize_point(const scenario::Scenario& s,
                            std::span<const mm::VariantRunMetrics> runs,
                            std::span<const SpilledSlot> spilled,
                            std::span<const double> wall_seconds, int replications,
                            const std::function<std::uint64_t(std::uint64_t)>& seed_of) {
  PointResult out;
  const auto per_variant = static_cast<std::size_t>(replications);
  const auto runs_of = [&](std::size_t v) { return runs.subspan(v * per_variant, per_variant); };
  for (std::size_t v = 0; v < s.variants.size(); ++v) {
    out.variants.push_back(summary_of(s.variants[v], s.slo, runs_of(v)));
    out.variants.back().per_replication = replication_values(runs_of(v), seed_of);
    for (const double w : wall_seconds.subspan(v * per_variant, per_variant))
      out.variants.back().wall_seconds += w;
  }
  std::size_t base = 0;
  for (std::size_t v = 0; v < s.variants.size(); ++v)
    if (s.variants[v].name == s.output.baseline) base = v;
  for (std::size_t v = 0; v < s.variants.size(); ++v) {
    if (v == base) continue;
    for (auto& d : mm::paired_differences(runs_of(v), runs_of(base)))
      out.differences.push_back(std::move(d));
  }
  out.isolation_cost = isolation_cost(s, runs, per_variant);  // [tenants] app/runner/tenancy.hpp
  out.tenants = tenant_metrics(s, spilled, per_variant);
  return out;
}

std::optional<double> numeric_value(const std::string& text) {
  try {
    std::size_t used = 0;
    const double d = std::stod(text, &used);
    if (used == text.size()) return d;
  } catch (const std::exception&) {
  }
  try {
    return sim::Time::parse(text).seconds();
  } catch (const std::exception&) {
  }
  try {
    return static_cast<double>(sim::Bytes::parse(text).count());
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

// How many leading replications finished for every point and variant (all of them unless
// RunOptions::stop ended the run).
int whole_replications(const std::vector<Job>& jobs, const JobResults& slots, int replications) {
  int whole = replications;
  for (std::size_t i = 0; i < jobs.size(); ++i)
    if (!slots.done[i]) whole = std::min(whole, static_cast<int>(jobs[i].replication));
  return whole;
}

// The slots of the first `keep` replications, in the same (point, variant, replication) layout.
JobResults first_replications(JobResults& slots, const std::vector<scenario::Scenario>& points,
                              int replications, int keep) {
  std::size_t n = 0;
  for (const auto& p : points)
    n += p.variants.size() * static_cast<std::size_t>(keep);
  JobResults kept(n);
  std::size_t from = 0, to = 0;
  for (const auto& p : points)
    for (std::size_t v = 0; v < p.variants.size();
         ++v, from += static_cast<std::size_t>(replications))
      for (int r = 0; r < keep; ++r, ++to) {
        kept.metrics[to] = std::move(slots.metrics[from + static_cast<std::size_t>(r)]);
        kept.wall_seconds[to] = slots.wall_seconds[from + static_cast<std::size_t>(r)];
        kept.done[to] = 1;
        kept.spilled[to] = std::move(slots.spilled[from + static_cast<std::size_t>(r)]);
      }
  return kept;
}

RunResults run_points(const scenario::Scenario& original, std::vector<scenario::Scenario> points,
                      const RunOptions& options, bool sweep) {
  const std::uint64_t seed = options.seed.value_or(original.seed);
  int replications = options.replications.value_or(original.replications);
  if (replications < 1)
    throw InputError({original.source_file, 0, 0}, "replications",
                     fmt::format("replications must be at least 1, not {}", replications));
  // [tenants] counterfactual points for cross-tenant interference (app/runner/interference.hpp)
  // run after the `shown` ones and are reported only as interference.
  const std::size_t shown = points.size();
  const std::vector<Counterfactual> counterfactuals = add_counterfactual_points(points);
  const models::Catalog catalog = models::Catalog::load_default();
  std::vector<std::unique_ptr<PreparedWorld>> worlds;
  for (const auto& p : points)
    worlds.push_back(prepare_world(p, catalog));
  if (!options.startup_contention)  // [scale] the benchmark's peer: phases as fixed delays
    for (auto& w : worlds)
      for (auto& pv : w->variants)
        pv.cluster.startup_contention = false;

  std::vector<Job> jobs;
  for (std::size_t p = 0; p < points.size(); ++p)
    for (std::size_t v = 0; v < points[p].variants.size(); ++v)
      for (int r = 0; r < replications; ++r)
        jobs.push_back({p, v, static_cast<std::uint64_t>(r)});
  JobResults slots(jobs.size());
  const unsigned threads =
      options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  // Under mpirun each rank runs its share and rank 0 gathers every slot (mpi_session.hpp);
  // the other ranks have nothing to summarise or write.
  const Ranks mpi = ranks();
  const std::vector<std::size_t> mine = share_of(run_order(jobs), mpi);
  // The instance records go to disk as jobs end (app/results/instance_spool.hpp). Under MPI the
  // other ranks send theirs compressed beside their metrics (slot_spill.hpp), and rank 0 adopts
  // them into its spool.
  const auto spool = std::make_shared<InstanceSpool>();
  std::vector<std::string> sent(mpi.size > 1 ? jobs.size() : 0);
  std::exception_ptr error;
  try {
    run_jobs(jobs, mine, slots, points, counterfactuals, worlds, seed, threads, options, *spool);
    if (!mpi.root())
      for (const std::size_t i : mine)
        if (slots.done[i]) sent[i] = encode_spilled(slots.spilled[i]);
  } catch (...) {
    error = std::current_exception();
  }
  // Rank 0 gathers every rank's metrics and spilled slots, then their chunks (slot_spill.hpp).
  const JobSlots gathered{slots.metrics, slots.wall_seconds, slots.done,
                          sent.empty() ? nullptr : &sent};
  const auto share_of_rank = [&](int r) { return share_of(run_order(jobs), {r, mpi.size}); };
  if (!gather_spilled(mpi, mine, gathered, error, slots.spilled, share_of_rank, *spool)) return {};
  const int planned = replications;
  replications = whole_replications(jobs, slots, replications);
  if (replications == 0) throw Interrupted(jobs.size());
  if (replications < planned) slots = first_replications(slots, points, planned, replications);

  RunResults results;
  results.vmcsim_version = VMCSIM_VERSION;
  results.scenario_name = original.name;
  results.scenario_file = original.source_file;
  results.resolved_scenario = resolved_scenario(points[0], *worlds[0], seed, replications);
  results.seed = seed;
  results.warmup = points[0].warmup;
  results.replications = replications;
  results.partial = replications < planned;
  if (results.partial) results.replications_planned = planned;

  std::size_t offset = 0;
  for (std::size_t p = 0; p < shown; ++p) {
    const auto& s = points[p];
    const std::size_t n = s.variants.size() * static_cast<std::size_t>(replications);
    const std::span<const mm::VariantRunMetrics> slice{slots.metrics.data() + offset, n};
    // A cluster run's replication r draws from streams keyed (seed, r, entity).
    PointResult pr = summarize_point(
        s, slice, std::span<const SpilledSlot>{slots.spilled.data() + offset, n},
        std::span<const double>{slots.wall_seconds.data() + offset, n}, replications,
        [seed](std::uint64_t) { return seed; });
    std::vector<models::tenancy::Interference> point_interference =  // [tenants]
        interference(points, counterfactuals, p, slots.metrics,
                     static_cast<std::size_t>(replications));
    if (sweep) {
      SweepPoint sp;
      for (const auto& [path, value] : s.sweep_point)
        sp.parameters.push_back({path, value, numeric_value(value)});
      for (const auto& v : pr.variants) {
        sp.variants.push_back(v);
        sp.variants.back().startup_samples_ms.clear();  // the point's summary holds no samples
      }
      sp.differences = pr.differences;
      sp.interference = point_interference;
      results.sweep_points.push_back(std::move(sp));
    }
    if (p == 0) {
      results.variants = std::move(pr.variants);
      results.differences = std::move(pr.differences);
      results.isolation_cost = std::move(pr.isolation_cost);
      results.tenants = std::move(pr.tenants);
      results.interference = std::move(point_interference);  // [tenants]
      results.spilled_instances.spool = spool;
      for (std::size_t i = 0; i < n; ++i) {
        auto& m = slots.metrics[offset + i];
        const int rep = static_cast<int>(m.replication);
        // The records are on disk already, one part per replication in slot order.
        if (const auto& part = slots.spilled[offset + i].part)
          results.spilled_instances.parts.push_back(*part);
        for (auto& f : m.failure_log) {
          FailureEventRecord rec;
          static_cast<mm::FailureRecord&>(rec) = std::move(f);
          rec.variant = m.variant;
          rec.replication = rep;
          results.failures.push_back(std::move(rec));
        }
        for (auto& t : m.timeseries) {
          TimeseriesSample sample;
          static_cast<mm::Sample&>(sample) = t;
          sample.variant = m.variant;
          sample.replication = rep;
          results.timeseries.push_back(std::move(sample));
        }
      }
    }
    offset += n;
  }
  return results;
}

// The seed of replication r of a pod-trace replay: the scenario's for the first (so one
// replication gives what the placement benchmark always gave), then a fixed odd step apart.
std::uint64_t replay_seed(std::uint64_t seed, std::uint64_t replication) {
  return seed + replication * 0x9E3779B97F4A7C15ULL;
}

// A pod-trace scenario: every variant x replication replays the trace (read once), through the
// same job pool, summary and results model as a cluster run.
RunResults run_placement(const scenario::Scenario& s, const RunOptions& options) {
  const std::uint64_t seed = options.seed.value_or(s.seed);
  const int replications = options.replications.value_or(s.replications);
  if (replications < 1)
    throw InputError({s.source_file, 0, 0}, "replications",
                     fmt::format("replications must be at least 1, not {}", replications));
  const PlacementInputs inputs = placement_inputs(s);
  const auto per_variant = static_cast<std::size_t>(replications);
  const std::size_t n = s.variants.size() * per_variant;
  std::vector<PlacementRow> rows(n);
  JobResults slots(n);
  const unsigned threads =
      options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  // Replication by replication, as a cluster run, so a stop (Ctrl-C) leaves whole replications.
  std::vector<Job> jobs(n);
  for (std::size_t i = 0; i < n; ++i)
    jobs[i] = {0, i / per_variant, i % per_variant};
  // Under mpirun each rank replays its share, and rank 0 gathers the metrics and the table rows
  // (placement_row_codec.hpp) into the slots one process would have filled.
  const Ranks mpi = ranks();
  const std::vector<std::size_t> mine = share_of(run_order(jobs), mpi);
  ProgressReporter reporter{options, mine.size()};
  std::exception_ptr error;
  try {
    parallel_jobs(mine, threads, options.stop, [&](std::size_t i) {
      const std::size_t variant = jobs[i].variant;
      const std::uint64_t replication = jobs[i].replication;
      const auto start = std::chrono::steady_clock::now();
      PlacementBenchmarkOptions o;
      o.seed = replay_seed(seed, replication);
      std::uint64_t events = 0;  // replay events, for the progress line
      JobProgress p{0, 1, variant, replication, 0, 0, sim::Time{}, s.duration, 0, false, {}};
      // Every few thousand events: the bar moves within a replay, and a stop ends it.
      o.observer = [&](sim::Time now, std::span<const models::placement::NodeView>) {
        if (++events % 4096 != 0) return;
        if (options.stop != nullptr && options.stop->load(std::memory_order_relaxed))
          throw JobStopped{};
        p.now = std::min(now, s.duration);
        p.events = events;
        reporter.report(p, false);
      };
      try {
        rows[i] = run_placement_variant(s, inputs, variant, o);
      } catch (const JobStopped&) {
        return;  // not a result: left out, and not reported as finished
      }
      slots.metrics[i] = run_metrics_of(rows[i], inputs, replication);
      slots.done[i] = 1;
      slots.wall_seconds[i] =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      p.now = s.duration;
      p.events = events;
      reporter.report(p, true);
    });
  } catch (...) {
    error = std::current_exception();
  }
  if (mpi.size > 1) {
    std::vector<std::string> encoded(n);
    for (const std::size_t i : mine)
      if (slots.done[i]) encoded[i] = encode_placement_row(rows[i]);
    if (!gather_jobs(mpi, mine, {slots.metrics, slots.wall_seconds, slots.done, &encoded}, error))
      return {};
    for (std::size_t i = 0; i < n; ++i)
      if (slots.done[i] && std::find(mine.begin(), mine.end(), i) == mine.end())
        rows[i] = decode_placement_row(encoded[i]);
  } else if (error) {
    std::rethrow_exception(error);
  }
  const int planned = replications;
  const int whole = whole_replications(jobs, slots, replications);
  if (whole == 0) throw Interrupted(n);
  if (whole < planned) slots = first_replications(slots, {s}, planned, whole);
  for (std::size_t i = 0; i < slots.metrics.size(); ++i)  // its tenant slices, if any
    slots.spilled[i] = spill_slot(slots.metrics[i], s, nullptr, i);

  RunResults results;
  results.vmcsim_version = VMCSIM_VERSION;
  results.scenario_name = s.name;
  results.scenario_file = s.source_file;
  results.resolved_scenario = yaml_to_json(YAML::Load(s.source_text));
  results.resolved_scenario["seed"] = seed;
  results.resolved_scenario["replications"] = whole;
  results.resolved_scenario["assumptions"] = assumptions_of(s);
  results.seed = seed;
  results.warmup = s.warmup;
  results.replications = whole;
  results.partial = whole < planned;
  if (results.partial) results.replications_planned = planned;
  PointResult pr = summarize_point(s, slots.metrics, slots.spilled, slots.wall_seconds, whole,
                                   [seed](std::uint64_t r) { return replay_seed(seed, r); });
  results.variants = std::move(pr.variants);
  // Only what both sides measured is compared (a replay measures no startup, cost, ...).
  for (auto& d : pr.differences)
    if (d.n > 0) results.differences.push_back(std::move(d));
  // Decision timings are the replays' own (wall clock): the mean of their means, the largest
  // of their p99s.
  for (std::size_t v = 0; v < results.variants.size(); ++v) {
    double mean = 0.0, p99 = 0.0;
    for (std::size_t r = 0; r < static_cast<std::size_t>(whole); ++r) {
      const auto& timing = rows[v * per_variant + r].result.timing;
      mean += timing.mean_us / static_cast<double>(whole);
      p99 = std::max(p99, timing.p99_us);
    }
    results.variants[v].placement_decision_us_mean = mean;
    results.variants[v].placement_decision_us_p99 = p99;
  }
  std::vector<PlacementRow> first;
  for (std::size_t v = 0; v < s.variants.size(); ++v)
    first.push_back(rows[v * per_variant]);
  results.placement_table = placement_table(first);
  return results;
}

}  // namespace

RunResults run_scenario(const scenario::Scenario& scenario, const RunOptions& options) {
  if (has_pod_trace(scenario)) return run_placement(scenario, options);
  return run_points(scenario, {scenario}, options, false);
}

RunResults run_sweep(const scenario::Scenario& scenario, const RunOptions& options) {
  return run_points(scenario, scenario::expand_sweep(scenario), options, true);
}

}  // namespace vmcsim::app::runner
