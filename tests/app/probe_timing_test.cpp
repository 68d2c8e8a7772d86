// Probe timeouts and startup probes end to end: when the failure driver notices a hang (a
// Kubernetes liveness probe, an ECS container health check), asserted against the formulas the
// kubelet's and Docker's sources give, computed from the probe's fields; how a startup probe
// delays Ready and restarts a container that does not start in time; the scenario errors of
// bad timeout and startup values; and a manifest's startupProbe through `vmcsim run`.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "app/runner/failures.hpp"
#include "app/scenario/loader.hpp"
#include "cli_run.hpp"
#include "fixture_path.hpp"
#include "models/catalog/catalog.hpp"
#include "models/failures/recovery.hpp"
#include "two_zone_vms.hpp"

namespace {

namespace fs = std::filesystem;
namespace mf = vmcsim::models::failures;
using namespace vmcsim;
using sim::Time;

// A VM profile whose boot phases take exactly 1 s each, but app_init, which takes `app_init`:
// the container (the application's process) starts 6 s in, when agent_ready ends.
struct ProbeTimingBoot {
  models::Catalog catalog = models::Catalog::load_default();
  models::PlatformProfile profile = catalog.profile("kvm-ubuntu");
  Time before_app;  // request -> the application's process starts
  Time boot;        // request -> the instance is up

  explicit ProbeTimingBoot(Time app_init) {
    for (auto& phase : profile.boot_phases) {
      const bool app = phase.name == "app_init";
      phase.duration = sim::Constant{app ? app_init.seconds() : 1.0};
      phase.cpu = Time::zero();
      phase.io = sim::Bytes{};
      if (!app) before_app = before_app + Time::from_s(1);
    }
    boot = before_app + app_init;
  }
};

// One hang at 500 s under `health`; the failure it logs.
models::metrics::FailureRecord probe_timing_hang(mf::RecoveryKind kind,
                                                 const mf::ServiceHealth& health) {
  const ProbeTimingBoot exact{Time::zero()};
  const auto m = test::one_hang(exact.profile, exact.catalog.detection(), kind, health);
  REQUIRE(m.failure_log.size() == 1);
  return m.failure_log[0];
}

// The scenario's error for a service carrying `health` (", key: value" pairs).
std::string probe_timing_error(const std::string& health) {
  return test::input_error_of([&] {
    (void)app::scenario::load_scenario_text(
        "name: p\nduration: 10m\nhosts: [{name: h, count: 2, cpu: \"8\", memory: 32GiB}]\n"
        "images: {web: {size: 60MiB, layers: 2}}\n"
        "services:\n  - {name: web, image: web, cpu: 500m, memory: 512MiB" +
            health +
            "}\nvariants: [{name: c, platform: container, profile: runc}]\n"
            "registry: {bandwidth: 1Gbps, latency: 20ms}\n",
        "p.yaml");
  });
}

// `web` with `startup` (Kubernetes), its app taking `app_init`, run for `end`: the metrics and
// how many replicas run at the end.
struct ProbeTimingStartupRun {
  models::metrics::VariantRunMetrics metrics;
  int running = 0;
};
ProbeTimingStartupRun probe_timing_startup(const ProbeTimingBoot& exact, const mf::Probe& startup,
                                           Time end) {
  sim::Simulation sim;
  models::ClusterConfig c = test::two_zone_vms(exact.profile);
  c.services[0].startup_probe = startup;
  models::Cluster cluster{sim, c};
  mf::FailureSpec spec;
  spec.detection = exact.catalog.detection();
  spec.health.emplace_back().startup = startup;
  REQUIRE(spec.has_startup_probes());
  app::runner::FailureDriver driver{
      sim, cluster, spec, mf::RecoveryKind::kubernetes, {end, Time::zero()}, 1, 0};
  sim.run_until(end);
  ProbeTimingStartupRun out;
  driver.finish(sim.now(), out.metrics);
  out.running = cluster.running(0);
  return out;
}

void probe_timing_write(const fs::path& path, const std::string& text) {
  std::ofstream{path} << text;
}

}  // namespace

TEST_CASE("a liveness probe notices a hang at the kubelet's period, threshold and timeout") {
  // pkg/kubelet/prober/worker.go: checks on a periodSeconds ticker, each failing at its
  // timeoutSeconds; a hang just after a passing check is declared at
  // period + (threshold - 1) x max(period, timeout) + timeout, then CrashLoopBackOff's 10 s.
  const Time timeout = GENERATE(Time::zero(), Time::from_s(1), Time::from_s(4), Time::from_s(25));
  INFO("timeout " << timeout.seconds() << " s");
  mf::ServiceHealth h;
  h.liveness = mf::Probe{Time::zero(), Time::from_s(10), 3, 1, timeout};
  const auto f = probe_timing_hang(mf::RecoveryKind::kubernetes, h);
  const mf::Probe& p = *h.liveness;
  const Time formula = p.period + std::max(p.period, p.timeout) * (p.failure_threshold - 1) +
                       p.timeout + mf::CrashLoopBackoff::kInitial;
  REQUIRE(f.detected);
  CHECK(*f.detected - Time::from_s(500) == formula);
  if (timeout == Time::zero()) CHECK(formula == Time::from_s(40));  // what the model said before
}

TEST_CASE("an ECS health check notices a hang after retries x (interval + timeout)") {
  // Docker runs the next check `interval` after the last one ended, and a check past its
  // timeout fails then (moby daemon/health.go); the target group's 30 s x 2 = 60 s may be first.
  const Time timeout = GENERATE(Time::zero(), Time::from_s(3), Time::from_s(5), Time::from_s(30));
  INFO("timeout " << timeout.seconds() << " s");
  mf::ServiceHealth h;
  h.health_check = mf::Probe{Time::zero(), Time::from_s(5), 3, 1, timeout};
  const auto f = probe_timing_hang(mf::RecoveryKind::ecs, h);
  const mf::Probe& p = *h.health_check;
  const Time container = (p.period + p.timeout) * p.failure_threshold;
  const auto d = models::Catalog::load_default().detection();
  const Time target_group = d.health_check_interval * d.unhealthy_threshold;
  REQUIRE(f.detected);
  CHECK(*f.detected - Time::from_s(500) == std::min(container, target_group));
  if (timeout == Time::from_s(30)) CHECK(container > target_group);  // the LB is first then
}

TEST_CASE("a startup probe makes a replica Ready at its first check after the app is up") {
  // The app takes 23 s; the startup probe checks every 10 s from the container's start, so it
  // passes at 30 s; the readiness probe then runs at once (prober_manager.go UpdatePodStatus).
  const ProbeTimingBoot exact{Time::from_s(23)};
  const auto ready_at = [&](bool startup) {
    models::ClusterConfig c = test::two_zone_vms(exact.profile);
    const mf::Probe readiness{Time::zero(), Time::from_s(10), 3, 1, Time::from_s(1)};
    c.services[0].readiness_delay = mf::readiness_delay(readiness);
    if (startup) {
      c.services[0].startup_probe =
          mf::Probe{Time::zero(), Time::from_s(10), 30, 1, Time::from_s(1)};
      c.services[0].readiness_probe = readiness;
    }
    sim::Simulation sim;
    models::Cluster cluster{sim, c};
    Time at = Time::max();
    for (Time t = Time::zero(); t < Time::from_s(120) && at == Time::max();
         t = t + Time::from_ms(100)) {
      sim.run_until(t);
      if (cluster.running(0) == 1) at = t;
    }
    return at;
  };
  const Time without = ready_at(false);
  const Time with = ready_at(true);
  const Time container_start = exact.before_app;
  // Without: Ready when the app is up (readiness at once: no initial delay).
  CHECK(without == exact.boot);
  // With: the startup probe's first check at or after 23 s on its 10 s grid, i.e. 30 s after
  // the container started, as startup_ready_delay says.
  CHECK(with == container_start + Time::from_s(30));
  CHECK(with - exact.boot ==
        mf::startup_ready_delay({Time::zero(), Time::from_s(10), 30, 1, Time::from_s(1)},
                                mf::Probe{Time::zero(), Time::from_s(10), 3, 1, Time::from_s(1)},
                                Time::from_s(23)));
  CHECK(with > without);
}

TEST_CASE("a startup probe that gives up restarts the container, counted in the failure log") {
  // The app needs 50 s; the startup probe allows checks at 0, 10, 20 s (threshold 3): at 20 s
  // after the container started the kubelet kills it, and restarts it after CrashLoopBackOff
  // (10 s, then 20 s, ...). Every attempt fails the same way: never Ready, every restart logged.
  const ProbeTimingBoot exact{Time::from_s(50)};
  const mf::Probe startup{Time::zero(), Time::from_s(10), 3, 1, Time::from_s(1)};
  const auto [m, running] = probe_timing_startup(exact, startup, Time::from_s(300));
  CHECK(running == 0);
  REQUIRE(m.failure_log.size() >= 3);
  const Time deadline = mf::startup_deadline(startup);
  CHECK(deadline == Time::from_s(20));
  Time started = Time::zero();  // when the attempt was requested
  Time backoff = mf::CrashLoopBackoff::kInitial;
  for (std::size_t k = 0; k < m.failure_log.size(); ++k) {
    INFO("restart " << k);
    const auto& f = m.failure_log[k];
    CHECK(f.kind == "startup_restart");
    CHECK(f.target == "web");
    CHECK(f.replicas_lost == 1);
    CHECK(f.at == started + exact.before_app + deadline);
    if (!f.detected) break;  // the run ended first
    CHECK(*f.detected == f.at + backoff);
    CHECK_FALSE(f.recovered);
    started = *f.detected;
    backoff = backoff * 2;
  }
  CHECK(m.replicas_lost == m.failure_log.size());
  CHECK(m.failures_unrecovered == m.failure_log.size());
}

TEST_CASE("a startup probe the app beats restarts nothing") {
  const ProbeTimingBoot exact{Time::from_s(15)};
  const mf::Probe startup{Time::zero(), Time::from_s(10), 3, 1, Time::from_s(1)};  // 20 s
  const auto [m, running] = probe_timing_startup(exact, startup, Time::from_s(300));
  CHECK(m.failure_log.empty());
  CHECK(running == 1);
  // Ready at the startup probe's check at 20 s after the container's start: available since.
  const Time ready = exact.before_app + Time::from_s(20);
  CHECK(m.availability == Approx((Time::from_s(300) - ready) / Time::from_s(300)));
}

TEST_CASE("bad probe timeouts and startup probes fail at their line and column") {
  CHECK(probe_timing_error(", probes: {startup: {period: 5s, success_threshold: 2}}")
            .rfind("p.yaml:6:106: error: services[0].probes.startup.success_threshold: a startup "
                   "probe's success_threshold must be 1",
                   0) == 0);
  CHECK(probe_timing_error(", probes: {liveness: {timeout: 0s}}")
            .rfind("p.yaml:6:85: error: services[0].probes.liveness.timeout:", 0) == 0);
  CHECK(probe_timing_error(", health_check: {timeout: -5s}")
            .rfind("p.yaml:6:80: error: services[0].health_check.timeout:", 0) == 0);
  CHECK(probe_timing_error(", probes: {startup: {timout: 5s}}").find("did you mean 'timeout'") !=
        std::string::npos);
  CHECK(probe_timing_error(", probes: {startp: {period: 5s}}").find("did you mean 'startup'") !=
        std::string::npos);
}

TEST_CASE("timeouts and startup probes are read, the catalog filling what is left out") {
  const auto s = app::scenario::load_scenario_text(
      "name: p\nduration: 10m\nhosts: [{name: h, count: 2, cpu: \"8\", memory: 32GiB}]\n"
      "images: {web: {size: 60MiB, layers: 2}}\n"
      "services:\n  - {name: web, image: web, cpu: 500m, memory: 512MiB, probes: {liveness: "
      "{period: 5s, timeout: 12s}, startup: {period: 2s, failure_threshold: 30}}, health_check: "
      "{timeout: 7s}}\n"
      "variants: [{name: c, platform: container, profile: runc}]\n"
      "registry: {bandwidth: 1Gbps, latency: 20ms}\n",
      "p.yaml");
  const auto& h = s.services.at(0).health;
  REQUIRE(h.liveness);
  CHECK(h.liveness->timeout == Time::from_s(12));  // longer than the period: legal
  REQUIRE(h.startup);
  CHECK(h.startup->period == Time::from_s(2));
  CHECK(h.startup->failure_threshold == 30);
  CHECK(h.startup->timeout == Time::from_s(1));  // the catalog's timeoutSeconds
  REQUIRE(h.health_check);
  CHECK(h.health_check->timeout == Time::from_s(7));
  CHECK(h.health_check->period == Time::from_s(30));
}

TEST_CASE("vmcsim run: a manifest's startupProbe makes replicas Ready later than without") {
  test::ScratchDir dir{"probe-timing-run"};
  // The app takes 25 s to start; the startup probe checks every 20 s, so it passes 40 s in.
  const auto run = [&](const std::string& name, const std::string& startup) {
    const fs::path manifest = dir.path() / (name + ".yaml");
    probe_timing_write(manifest, R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: web
        image: web:1
        resources: {requests: {cpu: "1", memory: 1Gi}}
        readinessProbe:
          httpGet: {path: /ready, port: 80}
          periodSeconds: 5
)" + startup);
    const fs::path scenario = dir.path() / (name + "-scenario.yaml");
    probe_timing_write(scenario, "name: " + name + R"(
duration: 5m
hosts: [{name: h, count: 2, cpu: "16", memory: 64GiB}]
images: {"web:1": {size: 60MiB, layers: 2}}
services:
  - {name: web, kubernetes: ')" + manifest.string() +
                                     R"(', app_init: 25s}
workloads: [{service: web, kind: poisson, rate: 5}]
variants: [{name: k8s, platform: container, profile: runc}]
registry: {bandwidth: 1Gbps, latency: 20ms}
failures:
  crashes: [{service: web, mtbf: {dist: constant, value: 100d}}]
)");
    const fs::path out = dir.path() / name;
    const auto r = test::run_vmcsim("run '" + scenario.string() +
                                        "' --quiet --replications 1 "
                                        "--format json --out '" +
                                        out.string() + "'",
                                    dir.path());
    REQUIRE(r.exit_code == 0);
    return test::read_text(out / "results.json");
  };
  const std::string without = run("without", "");
  const std::string with = run("with", R"(        startupProbe:
          httpGet: {path: /started, port: 80}
          periodSeconds: 20
          failureThreshold: 5
)");
  const auto availability = [](const std::string& json) {
    // {"availability": {"mean": ...}} in the variant's summary.
    const auto at = json.find("\"availability\": {");
    REQUIRE(at != std::string::npos);
    const auto mean = json.find("\"mean\":", at);
    return std::stod(json.substr(mean + 7));
  };
  INFO(with);
  CHECK(availability(with) < availability(without));
  CHECK(with.find("not modelled") == std::string::npos);
  CHECK(with.find("startup_restart") == std::string::npos);  // 25 s < 5 x 20 s: it starts
}
