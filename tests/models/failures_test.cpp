// models/failures: the failure plan (named streams, zone outages), the platforms' detection
// delays, CrashLoopBackOff, and what a failed host does to a Cluster (requests conserved).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "cluster_test_support.hpp"
#include "models/failures/failures.hpp"
#include "models/failures/recovery.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using namespace vmcsim::models::failures;
using sim::Time;

namespace {

std::vector<HostInfo> three_zones() {
  return {{"a0", "zone-a"}, {"a1", "zone-a"}, {"b0", "zone-b"}, {"c0", "zone-c"}};
}

std::vector<Time> times_of(const std::vector<FailureEvent>& events, EventKind kind) {
  std::vector<Time> out;
  for (const auto& e : events)
    if (e.kind == kind) out.push_back(e.at);
  return out;
}

}  // namespace

TEST_CASE(
    "the CrashLoopBackOff delays are 10 s doubling to a 5 minute cap, reset after 10 "
    "minutes of running") {
  CrashLoopBackoff b;
  // Each restart right after the previous one (the container never ran long).
  Time t = Time::from_s(1000);
  std::vector<double> delays;
  for (int k = 0; k < 8; ++k) {
    const Time d = b.on_crash(t, t + Time::from_s(1));
    delays.push_back(d.seconds());
    t = t + Time::from_s(1) + d;
  }
  CHECK(delays == std::vector<double>{10, 20, 40, 80, 160, 300, 300, 300});
  // Ten minutes of running without a crash resets the back-off.
  CHECK(b.on_crash(t, t + Time::from_s(600)).seconds() == 10);
  CHECK(b.on_crash(t, t + Time::from_s(1)).seconds() == 20);
  // Just under ten minutes does not.
  CrashLoopBackoff c;
  CHECK(c.on_crash(Time::zero(), Time::from_s(1)).seconds() == 10);
  CHECK(c.on_crash(Time::from_s(11), Time::from_s(11 + 599)).seconds() == 20);
}

TEST_CASE("each platform detects a lost host after its documented default delays") {
  const DetectionConfig d = Catalog::load_default().detection();
  const auto k8s = host_failure_recovery(RecoveryKind::kubernetes, d);
  CHECK(k8s.unhealthy_after == Time::from_s(40));  // node-monitor-grace-period
  CHECK(k8s.replace_after == Time::from_s(340));   // + not-ready tolerationSeconds 300
  const auto ecs = host_failure_recovery(RecoveryKind::ecs, d);
  CHECK(ecs.unhealthy_after == Time::from_s(60));  // 30 s interval x 2 unhealthy checks
  CHECK(ecs.replace_after == Time::from_s(60));
  const auto ha = host_failure_recovery(RecoveryKind::vm_ha, d);
  CHECK(ha.unhealthy_after == Time::from_s(60));
  CHECK(ha.replace_after == Time::from_s(15));
  // A Kubernetes crash waits its back-off; elsewhere a new instance is asked for at once.
  CHECK(crash_recovery(RecoveryKind::kubernetes, d, Time::from_s(40)).replace_after ==
        Time::from_s(40));
  CHECK(crash_recovery(RecoveryKind::ecs, d, Time::from_s(40)).replace_after == Time::zero());
  // A VM's supervisor restarts the process in place after systemd's RestartSec.
  CHECK(crash_recovery(RecoveryKind::vm_ha, d, Time::from_s(40)).replace_after ==
        Time::from_ms(100));
}

TEST_CASE("the shipped catalog holds each platform's documented detection defaults") {
  const DetectionConfig d = Catalog::load_default().detection();
  CHECK(d.node_monitor_grace_period == Time::from_s(40));
  CHECK(d.not_ready_toleration == Time::from_s(300));
  CHECK(d.probe.initial_delay == Time::zero());
  CHECK(d.probe.period == Time::from_s(10));
  CHECK(d.probe.failure_threshold == 3);
  CHECK(d.probe.success_threshold == 1);
  CHECK(d.probe.timeout == Time::from_s(1));  // timeoutSeconds
  CHECK(d.drain_retry == Time::from_s(5));
  CHECK(d.health_check_interval == Time::from_s(30));
  CHECK(d.unhealthy_threshold == 2);
  CHECK(d.container_health_check.period == Time::from_s(30));
  CHECK(d.container_health_check.failure_threshold == 3);
  CHECK(d.container_health_check.timeout == Time::from_s(5));
  CHECK(d.minimum_healthy_percent == 100);
  CHECK(d.maximum_percent == 200);
  CHECK(d.ha_detection == Time::from_s(15));
  CHECK(d.supervisor_restart == Time::from_ms(100));
}

TEST_CASE("a detection default without its source is refused at its line") {
  const auto dir = std::filesystem::temp_directory_path() / "vmcsim-detection-test";
  std::filesystem::create_directories(dir);
  for (const char* f : {"profiles.yaml", "instance_types.yaml"})
    std::filesystem::copy_file(Catalog::default_dir() / f, dir / f,
                               std::filesystem::copy_options::overwrite_existing);
  std::ifstream in{Catalog::default_dir() / "detection.yaml"};
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  const auto at = yaml.find("drain_retry: {value: 5s, source:");
  REQUIRE(at != std::string::npos);
  const auto line = 1 + std::count(yaml.begin(), yaml.begin() + static_cast<long>(at), '\n');
  yaml.replace(at, yaml.find('\n', at) - at, "drain_retry: {value: 5s}");
  std::ofstream{dir / "detection.yaml"} << yaml;
  CHECK_THROWS_WITH(Catalog::load(dir),
                    Catch::Contains(fmt::format("detection.yaml:{}:", line)) &&
                        Catch::Contains("kubernetes.drain_retry: needs a source"));
  std::filesystem::remove_all(dir);
}

TEST_CASE(
    "a readiness probe passes at the first check after its initial delay on the period grid") {
  const Time s1 = Time::from_s(1);  // a passing check answers at once: its timeout plays no part
  CHECK(readiness_delay({Time::zero(), Time::from_s(10), 3, 1, s1}) == Time::zero());
  CHECK(readiness_delay({Time::from_s(5), Time::from_s(10), 3, 1, s1}) == Time::from_s(10));
  CHECK(readiness_delay({Time::from_s(10), Time::from_s(10), 3, 1, s1}) == Time::from_s(10));
  CHECK(readiness_delay({Time::from_s(5), Time::from_s(10), 3, 2, s1}) == Time::from_s(20));
}

// The kubelet's checks start on the period grid (a time.Ticker), each waiting for its answer or
// its timeout: with the hang just after a passing check, check k fails at
// period + (k - 1) x max(period, timeout) + timeout (pkg/kubelet/prober/worker.go).
Time kubelet_formula(const Probe& p) {
  const Time step = std::max(p.period, p.timeout);
  return p.period + step * static_cast<std::int64_t>(p.failure_threshold - 1) + p.timeout;
}

TEST_CASE("a Kubernetes probe notices a hang threshold - 1 periods and a timeout after a check") {
  const Time s = Time::from_s(1);
  for (const Probe& p :
       {Probe{Time::zero(), 10 * s, 3, 1, Time::zero()}, Probe{Time::zero(), 10 * s, 3, 1, s},
        Probe{5 * s, 5 * s, 1, 1, 4 * s}, Probe{Time::zero(), 2 * s, 6, 1, 2 * s}}) {
    INFO("period " << p.period.seconds() << " s, timeout " << p.timeout.seconds() << " s");
    CHECK(kubelet_probe_detection(p) == kubelet_formula(p));
    CHECK(kubelet_probe_detection(p) ==
          p.period * static_cast<std::int64_t>(p.failure_threshold) + p.timeout);
  }
  // The API's defaults: 10 s period, 3 failures, 1 s timeout.
  CHECK(kubelet_probe_detection(Catalog::load_default().detection().probe) == Time::from_s(31));
}

TEST_CASE("a timeout longer than the period makes the kubelet run the checks back to back") {
  // The ticker drops the ticks a slow check misses but keeps one: the next check starts as soon
  // as the last one timed out.
  const Probe p{Time::zero(), Time::from_s(5), 3, 1, Time::from_s(12)};
  CHECK(kubelet_probe_detection(p) == kubelet_formula(p));
  CHECK(kubelet_probe_detection(p) == p.period + p.timeout * 3);
}

TEST_CASE("a Docker health check notices a hang after retries x (interval + timeout)") {
  // "again interval seconds after each previous check completes" (Dockerfile HEALTHCHECK).
  const Time s = Time::from_s(1);
  for (const Probe& p :
       {Probe{Time::zero(), 30 * s, 3, 1, 5 * s}, Probe{Time::zero(), 5 * s, 2, 1, 60 * s},
        Probe{Time::zero(), 10 * s, 3, 1, Time::zero()}}) {
    CHECK(docker_check_detection(p) ==
          (p.period + p.timeout) * static_cast<std::int64_t>(p.failure_threshold));
  }
  CHECK(docker_check_detection(Catalog::load_default().detection().container_health_check) ==
        Time::from_s(105));
}

TEST_CASE("a startup probe gives up at its failure_threshold-th check after its initial delay") {
  const Time s = Time::from_s(1);
  // Checks at 0, 10, 20 s: the third (threshold 3) at 20 s.
  CHECK(startup_deadline({Time::zero(), 10 * s, 3, 1, s}) == 20 * s);
  // An initial delay of 15 s skips the checks at 0 and 10 s: 20, 30, 40 s.
  CHECK(startup_deadline({15 * s, 10 * s, 3, 1, s}) == 40 * s);
  CHECK(startup_deadline({Time::zero(), 5 * s, 1, 1, s}) == Time::zero());
}

TEST_CASE("a startup probe holds readiness back until its first check after the app is up") {
  const Time s = Time::from_s(1);
  const Probe startup{Time::zero(), 10 * s, 30, 1, s};
  // The app is up 23 s after the container started: the startup probe passes at 30 s, and the
  // kubelet runs the readiness probe at once: Ready 7 s after the app is up.
  CHECK(startup_ready_delay(startup, std::nullopt, 23 * s) == 7 * s);
  const Probe readiness{Time::zero(), 5 * s, 3, 2, s};  // two passes: one more period
  CHECK(startup_ready_delay(startup, readiness, 23 * s) == 7 * s + 5 * s);
  // A readiness initial delay still running when the startup probe passes: its first check
  // after the delay on its own grid.
  const Probe late{45 * s, 20 * s, 3, 1, s};
  CHECK(startup_ready_delay(startup, late, 23 * s) == 60 * s - 23 * s);
  // An app up exactly on a check passes at that check.
  CHECK(startup_ready_delay(startup, std::nullopt, 20 * s) == Time::zero());
}

TEST_CASE("a hang is noticed only by a liveness probe, a health check or a load balancer") {
  const DetectionConfig d = Catalog::load_default().detection();
  const Time backoff = Time::from_s(10);
  ServiceHealth none;
  ServiceHealth probes;
  // No timeouts: the bare period x threshold (probe_timing_test.cpp has them).
  probes.readiness = Probe{Time::zero(), Time::from_s(5), 2, 1, Time::zero()};  // unready: 10 s
  probes.liveness = Probe{Time::zero(), Time::from_s(10), 3, 1, Time::zero()};  // restart: 30 s
  // Kubernetes: readiness takes it out of the endpoints, liveness restarts it after back-off.
  const auto k8s = hang_recovery(RecoveryKind::kubernetes, d, probes, backoff);
  CHECK(k8s.unhealthy_after == Time::from_s(10));
  CHECK(k8s.replace_after == Time::from_s(40));
  // Without probes nothing notices it.
  const auto blind = hang_recovery(RecoveryKind::kubernetes, d, none, backoff);
  CHECK(blind.unhealthy_after == Time::max());
  CHECK(blind.replace_after == Time::max());
  // ECS: the target group's 30 s x 2; a faster container health check replaces it sooner.
  CHECK(hang_recovery(RecoveryKind::ecs, d, none, backoff).replace_after == Time::from_s(60));
  ServiceHealth fast;
  fast.health_check = Probe{Time::zero(), Time::from_s(10), 2, 1, Time::zero()};
  CHECK(hang_recovery(RecoveryKind::ecs, d, fast, backoff).replace_after == Time::from_s(20));
  CHECK(hang_recovery(RecoveryKind::ecs, d, fast, backoff).unhealthy_after == Time::from_s(60));
  // A VM: the load balancer stops sending to it; nothing restarts it.
  const auto vm = hang_recovery(RecoveryKind::vm_ha, d, probes, backoff);
  CHECK(vm.unhealthy_after == Time::from_s(60));
  CHECK(vm.replace_after == Time::max());
}

TEST_CASE("a disruption budget's percent rounds up as the disruption controller does") {
  using K = DisruptionBudget::Kind;
  CHECK(DisruptionBudget{K::min_available, 50, true}.min_ready(5) == 3);
  CHECK(DisruptionBudget{K::max_unavailable, 50, true}.min_ready(5) == 2);
  CHECK(DisruptionBudget{K::min_available, 2, false}.min_ready(5) == 2);
  CHECK(DisruptionBudget{K::max_unavailable, 1, false}.min_ready(4) == 3);
  CHECK(DisruptionBudget{K::max_unavailable, 9, false}.min_ready(4) == 0);
  CHECK(DisruptionBudget{}.min_ready(4) == 0);
}

TEST_CASE("a zone outage takes down exactly the hosts of that zone and brings them back") {
  FailureSpec spec;
  spec.zone_outages.push_back({"zone-a", Time::from_s(600), Time::from_s(1200)});
  const auto hosts = three_zones();
  const auto events = plan_failures(spec, hosts, {}, Time::from_s(3600), 1, 0);
  REQUIRE(events.size() == 4);
  std::set<std::size_t> down, up;
  for (const auto& e : events) {
    if (e.kind == EventKind::host_down) {
      CHECK(e.at == Time::from_s(600));
      down.insert(e.host);
    } else {
      CHECK(e.kind == EventKind::host_up);
      CHECK(e.at == Time::from_s(1800));
      up.insert(e.host);
    }
  }
  CHECK(down == std::set<std::size_t>{0, 1});
  CHECK(up == down);
}

TEST_CASE("adding a failure process does not change the draws of the others") {
  FailureSpec crashes_only;
  crashes_only.crashes.push_back({"web", sim::Exponential{600.0}});
  FailureSpec both = crashes_only;
  both.host_failures.push_back({sim::Exponential{3000.0}, sim::Exponential{300.0}, {}});
  const auto hosts = three_zones();
  const std::vector<std::string> services{"web"};
  const Time end = Time::from_s(86400);
  const auto a = plan_failures(crashes_only, hosts, services, end, 42, 3);
  const auto b = plan_failures(both, hosts, services, end, 42, 3);
  REQUIRE(!times_of(a, EventKind::crash).empty());
  CHECK(times_of(a, EventKind::crash) == times_of(b, EventKind::crash));
  CHECK(!times_of(b, EventKind::host_down).empty());
  // Another replication draws other times.
  const auto c = plan_failures(crashes_only, hosts, services, end, 42, 4);
  CHECK(times_of(a, EventKind::crash) != times_of(c, EventKind::crash));
}

TEST_CASE("random host failures alternate down and up on each host, inside the run") {
  FailureSpec spec;
  spec.host_failures.push_back({sim::Exponential{2000.0}, sim::Exponential{500.0}, {"b0"}});
  const auto hosts = three_zones();
  const Time end = Time::from_s(100000);
  const auto events = plan_failures(spec, hosts, {}, end, 9, 0);
  REQUIRE(events.size() > 10);
  bool down = false;
  for (const auto& e : events) {
    CHECK(e.host == 2);
    CHECK(e.at < end);
    CHECK((e.kind == EventKind::host_down) == !down);
    down = !down;
  }
}

TEST_CASE("requests in service on a failed host fail and every request stays accounted for") {
  testing::ClusterWorld w;
  ClusterConfig config = w.config(PlatformKind::vm, 3);
  config.services.push_back(
      w.service("web", sim::Millicores::cores(1), sim::Bytes::gib(1), 3, 0.2));
  config.variant.placement = "k8s:LeastAllocated";  // one VM per host
  sim::Simulation sim;
  Cluster cluster{sim, config};
  testing::Load load{sim, cluster, 0, 30.0, true};
  std::vector<std::uint32_t> lost;
  cluster.on_replica_lost.connect([&](std::size_t, std::uint32_t r) { lost.push_back(r); });
  std::uint64_t failed_seen = 0;
  cluster.on_request_failed.connect([&](const RequestOutcome&) { ++failed_seen; });
  const auto conserved = [&] {
    CHECK(cluster.submitted(0) == cluster.completed(0) + cluster.failed(0) + cluster.in_service(0) +
                                      cluster.queued_requests(0));
  };
  sim.run_until(Time::from_s(60));
  REQUIRE(cluster.running(0) == 3);
  const std::uint64_t before = cluster.failed(0);
  CHECK(before == 0);
  cluster.fail_host(0, "test");
  conserved();
  CHECK(lost.size() == 1);
  CHECK(cluster.running(0) == 2);
  CHECK(cluster.lost(0) == 1);
  CHECK(cluster.instances_on_failed_hosts() == 0);
  // Until the load balancer marks it unhealthy, a third of the arrivals go to the lost VM.
  sim.run_until(Time::from_s(90));
  conserved();
  const std::uint64_t while_routable = cluster.failed(0);
  CHECK(while_routable > 100);  // ~ 30 rps x 30 s / 3
  cluster.mark_unhealthy(lost[0]);
  sim.run_until(Time::from_s(120));
  CHECK(cluster.failed(0) == while_routable);  // no more failures once it is unhealthy
  cluster.replace_lost(lost[0]);
  CHECK(cluster.lost(0) == 0);
  sim.run_until(Time::from_s(200));
  CHECK(cluster.running(0) == 3);  // replaced on a surviving host
  conserved();
  CHECK(failed_seen == cluster.failed(0));
  // The failed host takes nothing until it recovers.
  CHECK(cluster.instances_on_failed_hosts() == 0);
  cluster.recover_host(0);
  CHECK(!cluster.host_down(0));
}

TEST_CASE("a failed host takes down its node VMs and the containers in them") {
  testing::ClusterWorld w;
  ClusterConfig config = w.config(PlatformKind::container_in_vm, 2);
  config.variant.initial_nodes = 2;
  config.variant.placement = "k8s:LeastAllocated";  // one node VM per host
  config.services.push_back(w.service("web", sim::Millicores{250}, sim::Bytes::mib(256), 4, 0.01));
  sim::Simulation sim;
  Cluster cluster{sim, config};
  sim.run_until(Time::from_s(300));
  REQUIRE(cluster.running(0) == 4);
  REQUIRE(cluster.running_nodes() == 2);
  int lost = 0;
  cluster.on_replica_lost.connect([&](std::size_t, std::uint32_t) { ++lost; });
  cluster.fail_host(0, "test");
  CHECK(lost > 0);
  CHECK(cluster.running(0) == 4 - lost);
  CHECK(cluster.instances_on_failed_hosts() == 0);
  // Without a cluster autoscaler the node group replaces the node VM it lost.
  CHECK(cluster.nodes() == 2);
}

TEST_CASE(
    "a drained host finishes its requests, its instances are replaced elsewhere and none "
    "fails") {
  testing::ClusterWorld w;
  ClusterConfig config = w.config(PlatformKind::vm, 3);
  config.services.push_back(
      w.service("web", sim::Millicores::cores(1), sim::Bytes::gib(1), 3, 0.05));
  config.variant.placement = "k8s:LeastAllocated";  // one VM per host
  sim::Simulation sim;
  Cluster cluster{sim, config};
  testing::Load load{sim, cluster, 0, 20.0, true};
  sim.run_until(Time::from_s(60));
  REQUIRE(cluster.running(0) == 3);
  const Node& drained = *cluster.runtime().hosts()[0];
  REQUIRE(drained.live_instances() == 1);
  cluster.drain_host(0);
  sim.run_until(Time::from_s(180));
  CHECK(cluster.failed(0) == 0);  // graceful: requests finish, nothing is lost
  CHECK(cluster.running(0) == 3);
  CHECK(drained.live_instances() == 0);  // cordoned: the replacement went elsewhere
  cluster.uncordon_host(0);
  CHECK(cluster.submitted(0) ==
        cluster.completed(0) + cluster.in_service(0) + cluster.queued_requests(0));
}

TEST_CASE("a crashed process in a VM restarts in place after RestartSec, without a new VM") {
  testing::ClusterWorld w;
  ClusterConfig config = w.config(PlatformKind::vm, 2);
  config.services.push_back(
      w.service("web", sim::Millicores::cores(1), sim::Bytes::gib(1), 2, 0.5));
  sim::Simulation sim;
  Cluster cluster{sim, config};
  testing::Load load{sim, cluster, 0, 2.0, false};
  sim.run_until(Time::from_s(60));
  REQUIRE(cluster.running(0) == 2);
  const std::size_t replicas = cluster.replica_count();
  const std::size_t instances = cluster.runtime().instance_count();
  const std::uint64_t failed = cluster.failed(0);
  int lost = 0;
  cluster.on_replica_lost.connect([&](std::size_t, std::uint32_t) { ++lost; });
  const auto r = cluster.restart_in_place(0, 0.0, Time::from_ms(100), "test");
  REQUIRE(r);
  CHECK(cluster.running(0) == 1);  // down for RestartSec
  CHECK(cluster.failed(0) >= failed);
  sim.run_until(sim.now() + Time::from_ms(99));
  CHECK(cluster.running(0) == 1);
  sim.run_until(sim.now() + Time::from_ms(2));
  CHECK(cluster.running(0) == 2);  // the same replica, running again
  CHECK(cluster.replica_status(*r).state == ReplicaState::running);
  CHECK(cluster.replica_count() == replicas);              // no new replica
  CHECK(cluster.runtime().instance_count() == instances);  // no new VM, no boot
  CHECK(lost == 0);
  CHECK(cluster.submitted(0) == cluster.completed(0) + cluster.failed(0) + cluster.in_service(0) +
                                    cluster.queued_requests(0));
}

TEST_CASE("an instance with a readiness delay gets no requests until the delay has passed") {
  testing::ClusterWorld w;
  ClusterConfig config = w.config(PlatformKind::container, 1);
  config.services.push_back(
      w.service("web", sim::Millicores::cores(1), sim::Bytes::gib(1), 1, 0.01));
  const Time delay = Time::from_s(20);
  ClusterConfig gated = config;
  gated.services[0].readiness_delay = delay;
  // The same world without the probe: when does the instance come up?
  Time up_at;
  {
    sim::Simulation sim;
    Cluster cluster{sim, config};
    while (cluster.running(0) == 0 && sim.now() < Time::from_s(300))
      sim.run_until(sim.now() + Time::from_ms(100));
    up_at = sim.now();
  }
  REQUIRE(up_at < Time::from_s(300));
  sim::Simulation sim;
  Cluster cluster{sim, gated};
  testing::Load load{sim, cluster, 0, 5.0, false};
  sim.run_until(up_at + delay - Time::from_s(1));
  CHECK(cluster.running(0) == 0);
  CHECK(cluster.completed(0) == 0);  // every arrival waits in the queue
  CHECK(cluster.queued_requests(0) > 0);
  sim.run_until(up_at + delay + Time::from_s(1));
  CHECK(cluster.running(0) == 1);
  CHECK(cluster.completed(0) > 0);
}
