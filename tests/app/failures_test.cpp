// Failures end to end: the `failures` section's errors at their line, a hand-worked recovery
// time, no instance ever on a failed host under random failures, and determinism across --jobs.
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "app/runner/failures.hpp"
#include "app/scenario/loader.hpp"
#include "cli_run.hpp"
#include "fixture_path.hpp"
#include "models/catalog/catalog.hpp"
#include "two_zone_vms.hpp"

namespace {

namespace fs = std::filesystem;
namespace mf = vmcsim::models::failures;
using namespace vmcsim;
using sim::Time;

// A valid scenario with two zones; `failures` is appended as written.
std::string two_zone_scenario(const std::string& failures) {
  return R"(name: f
duration: 10m
hosts:
  - {name: a, count: 2, cpu: "8", memory: 32GiB, zone: zone-a}
  - {name: b, count: 2, cpu: "8", memory: 32GiB, zone: zone-b}
images:
  web: {size: 60MiB, layers: 2}
services:
  - {name: web, image: web, cpu: 500m, memory: 512MiB, replicas: 2}
workloads:
  - {service: web, kind: poisson, rate: 10}
variants:
  - {name: c, platform: container, profile: runc}
registry: {bandwidth: 1Gbps, latency: 20ms}
failures:
)" + failures;
}

std::string failures_error(const std::string& failures) {
  return test::input_error_of(
      [&] { (void)app::scenario::load_scenario_text(two_zone_scenario(failures), "f.yaml"); });
}

}  // namespace

TEST_CASE("the failures section is read with its defaults") {
  const auto s = app::scenario::load_scenario_text(two_zone_scenario(R"(  zone_outages:
    - {zone: zone-b, at: 2m, duration: 3m}
  drains:
    - {host: a-1, at: 1m, duration: 1m}
  spot_interruptions:
    - {host: a-0, at: 5m}
  host_failures:
    - {mtbf: {dist: exponential, mean: 30d}, mttr: 1h}
  crashes:
    - {service: web, mtbf: {dist: exponential, mean: 2h}}
)"),
                                                   "f.yaml");
  const mf::FailureSpec& f = s.failures;
  REQUIRE(f.zone_outages.size() == 1);
  CHECK(f.zone_outages[0].at == Time::from_s(120));
  CHECK(f.drains.at(0).host == "a-1");
  CHECK(f.spot.at(0).notice == Time::from_s(120));  // EC2's two-minute notice
  CHECK(f.host_failures.at(0).time_between.mean() == Approx(30 * 86400.0));
  CHECK(f.crashes.at(0).service == "web");
  CHECK(f.detection.not_ready_toleration == Time::from_s(300));
}

TEST_CASE("bad failure specs fail at their line and column") {
  CHECK(failures_error("  zone_outages:\n    - {zone: zone-q, at: 1m, duration: 1m}\n")
            .rfind("f.yaml:17:14: error: failures.zone_outages[0].zone: no host is in zone "
                   "'zone-q'",
                   0) == 0);
  CHECK(failures_error("  host_failures:\n    - {mttr: 1h}\n")
            .rfind("f.yaml:17:14: error: failures.host_failures[0].mttr: an MTTR needs an MTBF",
                   0) == 0);
  CHECK(failures_error("  drains:\n    - {host: c-0, at: 1m, duration: 1m}\n")
            .rfind("f.yaml:17:14: error: failures.drains[0].host: unknown host 'c-0'", 0) == 0);
  const std::string negative =
      failures_error("  zone_outages:\n    - {zone: zone-a, at: 1m, duration: -5m}\n");
  CHECK(negative.rfind("f.yaml:17:40: error: failures.zone_outages[0].duration:", 0) == 0);
  CHECK(negative.find("must be greater than zero, got '-5m'") != std::string::npos);
  CHECK(failures_error("  drains:\n    - {host: a-0, at: -1m, duration: 1m}\n")
            .find("must not be negative") != std::string::npos);
  CHECK(
      failures_error("  crashes:\n    - {service: wbe, mtbf: 1h}\n").find("did you mean 'web'?") !=
      std::string::npos);
  // A zero retry would retry a refused eviction at the same instant forever.
  CHECK(failures_error("  detection: {drain_retry: 0s}\n")
            .rfind("f.yaml:16:28: error: failures.detection.drain_retry: must be greater than zero",
                   0) == 0);
}

namespace {

// The scenario of two_zone_scenario(), its service entry given whole.
std::string with_service(const std::string& service, const std::string& failures = "") {
  std::string text = two_zone_scenario(failures);
  const std::string old = "  - {name: web, image: web, cpu: 500m, memory: 512MiB, replicas: 2}\n";
  text.replace(text.find(old), old.size(), service);
  return failures.empty() ? text.substr(0, text.rfind("failures:")) : text;
}

std::string service_error_of(const std::string& service) {
  return test::input_error_of(
      [&] { (void)app::scenario::load_scenario_text(with_service(service), "f.yaml"); });
}

}  // namespace

TEST_CASE("a service's probes, health check, budget and deployment take the catalog's defaults") {
  const auto s = app::scenario::load_scenario_text(with_service(R"(  - name: web
    image: web
    cpu: 500m
    memory: 512MiB
    replicas: 2
    probes:
      readiness: {initial_delay: 5s}
      liveness: {period: 5s, failure_threshold: 2}
    health_check: {retries: 5}
    disruption_budget: {max_unavailable: "25%"}
    deployment: {minimum_healthy_percent: 50, maximum_percent: 100}
)",
                                                                "  detection: {drain_retry: 2s}\n"),
                                                   "f.yaml");
  const mf::ServiceHealth& h = s.services.at(0).health;
  REQUIRE(h.readiness);
  CHECK(h.readiness->initial_delay == Time::from_s(5));
  CHECK(h.readiness->period == Time::from_s(10));  // periodSeconds' default, from the catalog
  CHECK(h.readiness->failure_threshold == 3);
  REQUIRE(h.liveness);
  CHECK(h.liveness->period == Time::from_s(5));
  CHECK(h.liveness->failure_threshold == 2);
  REQUIRE(h.health_check);
  CHECK(h.health_check->period == Time::from_s(30));  // ECS interval default
  CHECK(h.health_check->failure_threshold == 5);
  CHECK(h.budget.kind == mf::DisruptionBudget::Kind::max_unavailable);
  CHECK(h.budget.percent);
  CHECK(h.budget.value == 25);
  CHECK(h.minimum_healthy_percent == 50);
  CHECK(h.maximum_percent == 100);
  // A scenario overrides one catalog default and keeps the others.
  CHECK(s.failures.detection.drain_retry == Time::from_s(2));
  CHECK(s.failures.detection.node_monitor_grace_period == Time::from_s(40));
  // Without settings a service has no probe and ECS's 100/200 deployment defaults.
  const auto plain = app::scenario::load_scenario_text(
      with_service("  - {name: web, image: web, cpu: 500m, memory: 512MiB, replicas: 2}\n"),
      "f.yaml");
  CHECK(!plain.services.at(0).health.readiness);
  CHECK(plain.services.at(0).health.minimum_healthy_percent == 100);
  CHECK(plain.services.at(0).health.maximum_percent == 200);
}

TEST_CASE("bad probes, budgets and deployment settings fail at their line and column") {
  const std::string head = "  - name: web\n    image: web\n    cpu: 500m\n    memory: 512MiB\n";
  CHECK(service_error_of(head + "    disruption_budget: {min_available: 1, max_unavailable: 1}\n")
            .rfind("f.yaml:13:60: error: services[0].disruption_budget.max_unavailable: a "
                   "disruption budget sets min_available or max_unavailable, not both",
                   0) == 0);
  CHECK(service_error_of(head + "    disruption_budget: {min_available: \"150%\"}\n")
            .rfind("f.yaml:13:40: error: services[0].disruption_budget.min_available: '150%' is "
                   "not a percent between 0% and 100%",
                   0) == 0);
  CHECK(service_error_of(head + "    disruption_budget: {}\n")
            .find("needs min_available or max_unavailable") != std::string::npos);
  CHECK(service_error_of(head + "    probes: {liveness: {success_threshold: 2}}\n")
            .rfind("f.yaml:13:44: error: services[0].probes.liveness.success_threshold: a "
                   "liveness probe's success_threshold must be 1",
                   0) == 0);
  CHECK(service_error_of(head + "    probes: {readiness: {period: -1s}}\n")
            .find("must be greater than zero") != std::string::npos);
  CHECK(service_error_of(head +
                         "    deployment: {minimum_healthy_percent: 100, maximum_percent: 100}\n")
            .find("maximum_percent (100) must exceed minimum_healthy_percent (100)") !=
        std::string::npos);
  CHECK(failures_error("  crashes:\n    - {service: web, mtbf: 1h, kind: freeze}\n")
            .find("unknown kind 'freeze'") != std::string::npos);
}

namespace {

// A VM profile whose boot phases take known constant times (no host work, no creation limit).
struct ExactBoot {
  models::Catalog catalog = models::Catalog::load_default();
  models::PlatformProfile profile = catalog.profile("kvm-ubuntu");
  Time boot;

  ExactBoot() {
    double seconds = 1.0;
    for (auto& phase : profile.boot_phases) {
      phase.duration = sim::Constant{seconds};
      phase.cpu = Time::zero();
      phase.io = sim::Bytes{};
      boot = boot + Time::from_seconds(seconds);
      seconds += 1.0;
    }
  }
};

using test::two_zone_vms;

}  // namespace

TEST_CASE(
    "a host failure at a known time recovers after the platform's detection plus the "
    "whole boot, exactly") {
  const ExactBoot exact;
  REQUIRE(exact.boot == Time::from_s(28));  // 1 + 2 + ... + 7 s
  const auto kind =
      GENERATE(mf::RecoveryKind::vm_ha, mf::RecoveryKind::ecs, mf::RecoveryKind::kubernetes);
  const Time detect = kind == mf::RecoveryKind::vm_ha ? Time::from_s(15)
                      : kind == mf::RecoveryKind::ecs ? Time::from_s(60)
                                                      : Time::from_s(340);
  INFO("recovery " << mf::to_string(kind));
  sim::Simulation sim;
  models::Cluster cluster{sim, two_zone_vms(exact.profile)};
  mf::FailureSpec spec;
  spec.detection = exact.catalog.detection();
  spec.zone_outages.push_back({"zone-a", Time::from_s(100), Time::from_s(2000)});
  app::runner::FailureDriver driver{sim, cluster, spec, kind, {Time::from_s(1000), Time::zero()},
                                    1,   0};
  sim.run_until(Time::from_s(1000));
  models::metrics::VariantRunMetrics m;
  driver.finish(sim.now(), m);
  REQUIRE(m.failure_log.size() == 1);  // the zone's one host goes down; it is back after the end
  const auto& f = m.failure_log[0];
  CHECK(f.replicas_lost == 1);
  REQUIRE(f.detected);
  CHECK(*f.detected == Time::from_s(100) + detect);
  REQUIRE(f.recovered);
  CHECK(*f.recovered == Time::from_s(100) + detect + exact.boot);
  CHECK(m.time_to_recover_mean_s() == Approx((detect + exact.boot).seconds()));
  CHECK(m.replicas_lost == 1);
  CHECK(m.replicas_replaced == 1);
  CHECK(m.failures_unrecovered == 0);
  // Down from 100 s until the replacement runs, of the 1000 s (the first boot counts too).
  const double down = (exact.boot + detect + exact.boot).seconds();
  CHECK(m.availability == Approx(1.0 - down / 1000.0));
}

TEST_CASE("under random failures no instance ever starts or runs on a failed host") {
  const auto kind = GENERATE(models::PlatformKind::vm, models::PlatformKind::container,
                             models::PlatformKind::container_in_vm);
  const std::uint64_t seed = GENERATE(range(1, 6));
  INFO("platform " << models::to_string(kind) << ", seed " << seed);
  models::Catalog catalog = models::Catalog::load_default();
  models::Image image{"app:1", {{"sha256:app-0", sim::Bytes::mib(20)}}};
  models::ClusterConfig c;
  for (int h = 0; h < 5; ++h) {
    models::HostSpec spec{"h" + std::to_string(h),
                          sim::Millicores::cores(16),
                          sim::Bytes::gib(64),
                          sim::DataRate::parse("1GB/s"),
                          10000.0,
                          sim::DataRate::gbps(10),
                          {{"zone", h % 2 ? "zone-a" : "zone-b"}},
                          100.0,
                          300.0};
    c.hosts.push_back({spec, 1.0, sim::Bytes::gib(100)});
  }
  c.registry = models::RegistrySpec{"hub", sim::DataRate::gbps(1), Time::from_ms(20)};
  c.variant.name = "v";
  c.variant.platform = kind;
  c.variant.placement = "k8s:LeastAllocated";
  c.variant.profile = &catalog.profile(kind == models::PlatformKind::vm ? "kvm-ubuntu" : "runc");
  if (kind == models::PlatformKind::container_in_vm) {
    c.variant.node_profile = &catalog.profile("eks-node");
    c.variant.node_instance_type = catalog.instance_type("m5.xlarge");
    c.variant.initial_nodes = 4;
  }
  models::ServiceConfig s;
  s.name = "web";
  s.cpu_request = s.cpu_limit = sim::Millicores{500};
  s.memory_request = s.memory_limit = sim::Bytes::mib(512);
  s.replicas = 6;
  s.cpu_time = sim::Exponential{0.05};
  s.image = &image;
  c.services.push_back(s);
  c.seed = seed;
  // Probes: readiness gates the replacements (Kubernetes variants), liveness restarts hangs.
  std::vector<mf::ServiceHealth> health(1);
  health[0].readiness = mf::Probe{Time::from_s(5), Time::from_s(10), 3, 1, Time::from_s(1)};
  health[0].liveness = mf::Probe{Time::zero(), Time::from_s(10), 3, 1, Time::from_s(1)};
  health[0].health_check = mf::Probe{Time::zero(), Time::from_s(30), 3, 1, Time::from_s(5)};
  // A budget makes the drain and the Spot notice evict pod by pod (Kubernetes variants).
  health[0].budget = {mf::DisruptionBudget::Kind::min_available, 5, false};
  app::runner::apply_health(c, health);

  sim::Simulation sim;
  models::Cluster cluster{sim, c};
  mf::FailureSpec spec;
  spec.detection = catalog.detection();
  spec.host_failures.push_back({sim::Exponential{900.0}, sim::Exponential{300.0}, {}});
  spec.crashes.push_back({"web", sim::Exponential{400.0}});
  spec.crashes.push_back({"web", sim::Exponential{700.0}, true});  // hangs
  spec.health = health;
  spec.zone_outages.push_back({"zone-a", Time::from_s(1800), Time::from_s(600)});
  spec.drains.push_back({"h2", Time::from_s(900), Time::from_s(300)});
  spec.spot.push_back({"h4", Time::from_s(2400)});
  const Time end = Time::from_s(3600);
  app::runner::FailureDriver driver{
      sim, cluster, spec, app::runner::recovery_kind(c.variant), {end, Time::zero()}, seed, 0};
  // Every instance that starts or becomes ready, on a host that is down, is a violation.
  std::map<const models::Node*, std::size_t> host_index;
  for (std::size_t h = 0; h < cluster.runtime().hosts().size(); ++h)
    host_index[cluster.runtime().hosts()[h].get()] = h;
  int violations = 0, checks = 0;
  cluster.runtime().on_state_change.connect([&](const models::Instance& i) {
    if (i.state != models::InstanceState::starting && i.state != models::InstanceState::running)
      return;
    ++checks;
    if (cluster.host_down(host_index.at(i.host))) ++violations;
  });
  std::uint64_t submitted = 0;
  std::function<void()> tick = [&] {
    CHECK(cluster.instances_on_failed_hosts() == 0);
    cluster.submit(0);
    ++submitted;
    if (sim.now() + Time::from_s(1) < end) sim.schedule_in(Time::from_s(1), tick);
  };
  sim.schedule_in(Time::from_s(1), tick);
  sim.run_until(end);
  models::metrics::VariantRunMetrics m;
  driver.finish(sim.now(), m);
  CHECK(violations == 0);
  CHECK(checks > 6);
  CHECK(m.failure_log.size() > 5);
  CHECK(cluster.submitted(0) == cluster.completed(0) + cluster.failed(0) + cluster.in_service(0) +
                                    cluster.queued_requests(0));
}

TEST_CASE("vmcsim run with failures is byte-identical whatever the number of worker threads") {
  test::ScratchDir dir{"failures-jobs"};
  const fs::path scenario =
      fs::path{VMCSIM_SOURCE_DIR_FOR_TESTS} / "scenarios" / "zone-outage.yaml";
  const std::string base = "run '" + scenario.string() + "' --quiet --out '";
  const auto one = test::run_vmcsim(base + (dir.path() / "j1").string() + "' --jobs 1", dir.path());
  const auto two = test::run_vmcsim(base + (dir.path() / "j2").string() + "' --jobs 2", dir.path());
  REQUIRE(one.exit_code == 0);
  REQUIRE(two.exit_code == 0);
  const std::string a = test::read_text(dir.path() / "j1" / "results.json");
  CHECK(a == test::read_text(dir.path() / "j2" / "results.json"));
  CHECK(a.find("\"availability\"") != std::string::npos);
  // The report marks the failures on its capacity-versus-demand chart.
  CHECK(test::read_text(dir.path() / "j1" / "report.html").find("failures (host down, crash)") !=
        std::string::npos);
  CHECK(test::read_text(dir.path() / "j1" / "trace.json") ==
        test::read_text(dir.path() / "j2" / "trace.json"));
}

TEST_CASE("a hang recovers after the liveness probe's detection, the back-off and the boot") {
  const ExactBoot exact;
  const auto kind =
      GENERATE(mf::RecoveryKind::kubernetes, mf::RecoveryKind::ecs, mf::RecoveryKind::vm_ha);
  INFO("recovery " << mf::to_string(kind));
  mf::ServiceHealth h;
  // No timeout: 30 s to notice (probe_timing_test.cpp adds one).
  h.liveness = mf::Probe{Time::zero(), Time::from_s(10), 3, 1, Time::zero()};
  // One hang, at 500 s.
  const auto m = test::one_hang(exact.profile, exact.catalog.detection(), kind, h);
  REQUIRE(m.failure_log.size() == 1);
  const auto& f = m.failure_log[0];
  CHECK(f.kind == "hang");
  CHECK(f.replicas_lost == 1);
  if (kind == mf::RecoveryKind::vm_ha) {  // nothing in the VM notices a hung process
    CHECK(!f.detected);
    CHECK(m.failures_unrecovered == 1);
    return;
  }
  // Kubernetes: 30 s of liveness failures + CrashLoopBackOff's first 10 s; ECS: the target
  // group's 30 s x 2 (no container health check).
  const Time detect = kind == mf::RecoveryKind::kubernetes ? Time::from_s(40) : Time::from_s(60);
  REQUIRE(f.detected);
  CHECK(*f.detected == Time::from_s(500) + detect);
  REQUIRE(f.recovered);
  CHECK(*f.recovered == Time::from_s(500) + detect + exact.boot);
}

TEST_CASE("a crash in a VM recovers in place after RestartSec, with no replica lost") {
  const ExactBoot exact;
  sim::Simulation sim;
  models::Cluster cluster{sim, two_zone_vms(exact.profile)};
  mf::FailureSpec spec;
  spec.detection = exact.catalog.detection();
  spec.crashes.push_back({"web", sim::Constant{500.0}});
  app::runner::FailureDriver driver{
      sim, cluster, spec, mf::RecoveryKind::vm_ha, {Time::from_s(1000), Time::zero()}, 1, 0};
  sim.run_until(Time::from_s(1000));
  models::metrics::VariantRunMetrics m;
  driver.finish(sim.now(), m);
  REQUIRE(m.failure_log.size() == 1);
  const auto& f = m.failure_log[0];
  REQUIRE(f.recovered);
  CHECK(*f.recovered == Time::from_s(500) + Time::from_ms(100));  // systemd RestartSec
  CHECK(m.replicas_lost == 0);  // the VM stayed up: nothing to replace
  CHECK(m.replicas_replaced == 0);
  CHECK(cluster.replica_count() == 1);
}

TEST_CASE("a replacement behind a readiness probe recovers once the probe first passes") {
  const ExactBoot exact;
  models::ClusterConfig c = two_zone_vms(exact.profile);
  // initialDelaySeconds 5 on a 10 s period: the first counted check is at 10 s.
  c.services[0].readiness_delay =
      mf::readiness_delay({Time::from_s(5), Time::from_s(10), 3, 1, Time::from_s(1)});
  sim::Simulation sim;
  models::Cluster cluster{sim, c};
  mf::FailureSpec spec;
  spec.detection = exact.catalog.detection();
  spec.zone_outages.push_back({"zone-a", Time::from_s(100), Time::from_s(2000)});
  app::runner::FailureDriver driver{
      sim, cluster, spec, mf::RecoveryKind::kubernetes, {Time::from_s(1000), Time::zero()}, 1, 0};
  sim.run_until(Time::from_s(1000));
  models::metrics::VariantRunMetrics m;
  driver.finish(sim.now(), m);
  REQUIRE(m.failure_log.size() == 1);
  REQUIRE(m.failure_log[0].recovered);
  CHECK(*m.failure_log[0].recovered ==
        Time::from_s(100) + Time::from_s(340) + exact.boot + Time::from_s(10));
}
