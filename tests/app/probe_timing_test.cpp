// Probe timeouts end to end: when the failure driver notices a hang (a Kubernetes liveness
// probe, an ECS container health check), asserted against the formulas the kubelet's and
// Docker's sources give, computed from the probe's fields; and the scenario errors of bad
// timeout values.
#include <algorithm>
#include <filesystem>
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
  sim::Simulation sim;
  models::Cluster cluster{sim, test::two_zone_vms(exact.profile)};
  mf::FailureSpec spec;
  spec.detection = exact.catalog.detection();
  spec.crashes.push_back({"web", sim::Constant{500.0}, true});
  spec.health.push_back(health);
  app::runner::FailureDriver driver{sim, cluster, spec, kind, {Time::from_s(1000), Time::zero()},
                                    1,   0};
  sim.run_until(Time::from_s(1000));
  models::metrics::VariantRunMetrics m;
  driver.finish(sim.now(), m);
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

TEST_CASE("bad probe timeouts fail at their line and column") {
  CHECK(probe_timing_error(", probes: {liveness: {timeout: 0s}}")
            .rfind("p.yaml:6:85: error: services[0].probes.liveness.timeout:", 0) == 0);
  CHECK(probe_timing_error(", health_check: {timeout: -5s}")
            .rfind("p.yaml:6:80: error: services[0].health_check.timeout:", 0) == 0);
  CHECK(probe_timing_error(", probes: {liveness: {timout: 5s}}").find("did you mean 'timeout'") !=
        std::string::npos);
}

TEST_CASE("timeouts are read, the catalog filling what is left out") {
  const auto s = app::scenario::load_scenario_text(
      "name: p\nduration: 10m\nhosts: [{name: h, count: 2, cpu: \"8\", memory: 32GiB}]\n"
      "images: {web: {size: 60MiB, layers: 2}}\n"
      "services:\n  - {name: web, image: web, cpu: 500m, memory: 512MiB, probes: {liveness: "
      "{period: 5s, timeout: 12s}, readiness: {period: 2s}}, health_check: "
      "{timeout: 7s}}\n"
      "variants: [{name: c, platform: container, profile: runc}]\n"
      "registry: {bandwidth: 1Gbps, latency: 20ms}\n",
      "p.yaml");
  const auto& h = s.services.at(0).health;
  REQUIRE(h.liveness);
  CHECK(h.liveness->timeout == Time::from_s(12));  // longer than the period: legal
  REQUIRE(h.readiness);
  CHECK(h.readiness->period == Time::from_s(2));
  CHECK(h.readiness->timeout == Time::from_s(1));  // the catalog's timeoutSeconds
  REQUIRE(h.health_check);
  CHECK(h.health_check->timeout == Time::from_s(7));
  CHECK(h.health_check->period == Time::from_s(30));
}
