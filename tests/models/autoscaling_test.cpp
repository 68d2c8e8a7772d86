#include <catch2/catch.hpp>

#include "fixture.hpp"

#include <cstdlib>
#include <filesystem>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "models/autoscaling/cluster_autoscaler.hpp"
#include "models/autoscaling/ecs_scaling.hpp"
#include "models/autoscaling/hpa.hpp"
#include "placement_helpers.hpp"
#include "sim/parse_error.hpp"

using namespace vmcsim;
using namespace vmcsim::models::autoscaling;
using namespace vmcsim::sim::literals;
using models::placement::NodeView;
using models::placement::PlacementRequest;
using sim::Bytes;
using test::cpu_mem;
using test::make_node;

namespace {
using vmcsim::test::fixture;

HpaSpec no_stabilization(int min, int max, double target) {
  HpaSpec s;
  s.min_replicas = min;
  s.max_replicas = max;
  s.target = target;
  s.scale_down.stabilization_window = 0_s;
  return s;
}
}  // namespace

TEST_CASE("the HPA formula doubles, halves and ignores changes within the tolerance",
          "[autoscaling][hpa]") {
  // Kubernetes docs: current 200m, desired 100m -> double; 50m -> halve.
  CHECK(HpaController::proportional(3, 200, 100, 0.1) == 6);
  CHECK(HpaController::proportional(4, 50, 100, 0.1) == 2);
  // Within |ratio - 1| <= 0.1: no change.
  CHECK(HpaController::proportional(10, 109, 100, 0.1) == 10);
  CHECK(HpaController::proportional(10, 91, 100, 0.1) == 10);
  CHECK(HpaController::proportional(10, 111, 100, 0.1) == 12);  // ceil(11.1)
}

TEST_CASE("the HPA walkthrough reaches 7 replicas from 305% of the CPU request",
          "[autoscaling][hpa]") {
  // php-apache walkthrough: target 50% utilization, one pod at 305%: ceil(305 / 50) = 7, reached
  // through the default scale-up rate (max of 100% and 4 pods per 15 s): 1 -> 5 -> 7.
  HpaController hpa{no_stabilization(1, 10, 50)};
  const double load = 305;  // total percent of one pod's request, spread over the replicas
  int replicas = 1;
  replicas = hpa.evaluate(0_s, replicas, load / replicas);
  CHECK(replicas == 5);
  replicas = hpa.evaluate(15_s, replicas, load / replicas);  // 61% each: ceil(5 x 1.22) = 7
  CHECK(replicas == 7);
  replicas = hpa.evaluate(30_s, replicas, load / replicas);  // 43.6%: within tolerance
  CHECK(replicas == 7);
}

TEST_CASE("the HPA default scale-up rate is the larger of 100% and 4 pods per 15 s",
          "[autoscaling][hpa]") {
  HpaController hpa{no_stabilization(1, 100, 10)};
  CHECK(hpa.evaluate(0_s, 1, 200) == 5);     // wants 20: max(2, 1 + 4)
  CHECK(hpa.evaluate(5_s, 5, 40) == 5);      // 4 added within the last 15 s: start 1 -> limit 5
  CHECK(hpa.evaluate(15_s, 5, 40) == 10);    // new period: max(10, 9)
  CHECK(hpa.evaluate(30_s, 10, 200) == 20);  // max(20, 14)
  CHECK(hpa.evaluate(45_s, 20, 200) == 40);
  CHECK(hpa.evaluate(60_s, 40, 200) == 80);
  CHECK(hpa.evaluate(75_s, 80, 200) == 100);  // maxReplicas
}

TEST_CASE("the HPA keeps the highest recommendation of the 5-minute scale-down window",
          "[autoscaling][hpa]") {
  HpaSpec spec;
  spec.max_replicas = 20;
  spec.target = 50;
  HpaController hpa{spec};
  CHECK(hpa.evaluate(0_s, 10, 50) == 10);  // recommendation 10 at t = 0
  for (int t = 15; t < 300; t += 15) {
    INFO("t = " << t);
    CHECK(hpa.evaluate(sim::Time::from_s(t), 10, 25) == 10);  // recommends 5, held at 10
  }
  CHECK(hpa.evaluate(300_s, 10, 25) == 5);  // the t = 0 recommendation left the window
}

TEST_CASE("HPA scale-down policies follow the Kubernetes behavior example", "[autoscaling][hpa]") {
  // Docs: scaleDown policies Pods 4 / 60 s and Percent 10 / 60 s; selectPolicy Max allows the
  // larger change, so the Percent policy governs above 40 replicas.
  HpaSpec spec = no_stabilization(1, 100, 50);
  spec.scale_down.policies = {{HpaPolicyType::pods, 4, 60_s}, {HpaPolicyType::percent, 10, 60_s}};
  {
    HpaController hpa{spec};
    CHECK(hpa.evaluate(0_s, 80, 5) == 72);   // 10% of 80 = 8 > 4
    CHECK(hpa.evaluate(15_s, 72, 5) == 72);  // 8 already removed within 60 s
    CHECK(hpa.evaluate(60_s, 72, 5) == 64);  // trunc(72 x 0.9) = 64 < 72 - 4
  }
  {
    HpaController hpa{spec};
    CHECK(hpa.evaluate(0_s, 20, 5) == 16);  // 4 pods > 10% of 20
  }
  spec.scale_down.select = SelectPolicy::min;
  {
    HpaController hpa{spec};
    CHECK(hpa.evaluate(0_s, 80, 5) == 76);  // Min: the smaller change
  }
  spec.scale_down.select = SelectPolicy::disabled;
  {
    HpaController hpa{spec};
    CHECK(hpa.evaluate(0_s, 80, 5) == 80);
    CHECK(hpa.evaluate(15_s, 80, 500) == 100);  // scaling up is still allowed
  }
}

TEST_CASE("the HPA restores min and max before computing", "[autoscaling][hpa]") {
  HpaController hpa{no_stabilization(2, 6, 50)};
  CHECK(hpa.evaluate(0_s, 1, 50) == 2);
  CHECK(hpa.evaluate(15_s, 9, 50) == 6);
  CHECK(hpa.evaluate(30_s, 0, 500) == 0);  // scaled to zero by hand: autoscaling disabled
  CHECK(hpa.evaluate(45_s, 3, 1) == 2);    // never below min
}

TEST_CASE("the autoscaling/v2 HPA fixture is read and scales with its behavior",
          "[autoscaling][hpa]") {
  const auto path = fixture("k8s/horizontal-pod-autoscaler.yaml");
  const HpaSpec spec = hpa_spec_from_yaml(YAML::LoadFile(path), path);
  CHECK(spec.min_replicas == 1);
  CHECK(spec.max_replicas == 5);
  CHECK(spec.target == 4.0);  // averageValue: 4 running requests per pod
  CHECK(spec.scale_down.stabilization_window == 30_s);
  REQUIRE(spec.scale_down.policies.size() == 1);
  CHECK(spec.scale_down.policies[0].type == HpaPolicyType::percent);
  CHECK(spec.scale_down.policies[0].value == 100);
  CHECK(spec.scale_down.policies[0].period == 15_s);
  CHECK(spec.scale_up.policies.size() == 2);  // defaults
  CHECK(spec.scale_up.stabilization_window == 0_s);

  HpaController hpa{spec};
  // 16 requests running on 1 pod: ceil(16 / 4) = 4 (within max(2, 5)).
  CHECK(hpa.evaluate(0_s, 1, 16) == 4);
  // Load falls to 1 request per pod: held by the 30 s window, then straight to minReplicas.
  CHECK(hpa.evaluate(15_s, 4, 1) == 4);
  CHECK(hpa.evaluate(30_s, 4, 1) == 1);
  // More than 5 needed: capped at maxReplicas.
  CHECK(hpa.evaluate(45_s, 1, 40) == 5);
}

TEST_CASE("a bad HPA manifest names the source, line and field", "[autoscaling][hpa]") {
  const auto doc = YAML::Load(
      "kind: HorizontalPodAutoscaler\nspec:\n  maxReplicas: 5\n  metrics:\n  - type: Pods\n"
      "    pods:\n      target:\n        averageValue: lots\n");
  CHECK_THROWS_WITH(hpa_spec_from_yaml(doc, "hpa.yaml"),
                    Catch::Contains("hpa.yaml:8: target.averageValue: 'lots' is not a quantity"));
  const auto no_max = YAML::Load("kind: HorizontalPodAutoscaler\nspec:\n  minReplicas: 1\n");
  CHECK_THROWS_WITH(hpa_spec_from_yaml(no_max, "x.yaml"),
                    Catch::Contains("spec.maxReplicas: missing"));
  const auto bad_policy = YAML::Load(
      "kind: HorizontalPodAutoscaler\nspec:\n  maxReplicas: 5\n  metrics:\n  - type: Resource\n"
      "    resource:\n      target:\n        averageUtilization: 50\n  behavior:\n"
      "    scaleUp:\n      selectPolicy: Fastest\n");
  CHECK_THROWS_AS(hpa_spec_from_yaml(bad_policy, "y.yaml"), sim::ParseError);
}

TEST_CASE("ECS target tracking scales out after three breaching datapoints and respects cooldown",
          "[autoscaling][ecs]") {
  TargetTrackingSpec spec;
  spec.target = 50;
  spec.max_capacity = 20;
  TargetTrackingController tt{spec};
  CHECK(tt.evaluate(0_s, 2, 100) == 2);
  CHECK(tt.evaluate(60_s, 2, 100) == 2);
  CHECK(tt.evaluate(120_s, 2, 100) == 4);  // ceil(2 x 100 / 50)
  CHECK(tt.evaluate(150_s, 4, 100) == 4);
  CHECK(tt.evaluate(160_s, 4, 100) == 4);
  CHECK(tt.evaluate(170_s, 4, 100) == 4);  // three datapoints, but within 60 s of the scale-out
  CHECK(tt.evaluate(180_s, 4, 100) == 8);
}

TEST_CASE("ECS target tracking scales in only after 15 datapoints below 90% of the target",
          "[autoscaling][ecs]") {
  TargetTrackingSpec spec;
  spec.target = 50;
  TargetTrackingController tt{spec};
  for (int i = 0; i < 30; ++i)
    CHECK(tt.evaluate(sim::Time::from_s(60 * i), 4, 46) == 4);
  TargetTrackingController low{spec};
  for (int i = 0; i < 14; ++i)
    CHECK(low.evaluate(sim::Time::from_s(60 * i), 4, 20) == 4);
  CHECK(low.evaluate(840_s, 4, 20) == 2);  // ceil(4 x 20 / 50)
  spec.disable_scale_in = true;
  TargetTrackingController never{spec};
  for (int i = 0; i < 20; ++i)
    CHECK(never.evaluate(sim::Time::from_s(60 * i), 4, 1) == 4);
}

TEST_CASE("ECS step scaling applies the step the breach falls in, then cools down",
          "[autoscaling][ecs]") {
  StepScalingSpec spec;
  spec.threshold = 70;
  spec.steps = {{0.0, 10.0, 1}, {10.0, 20.0, 2}, {20.0, std::nullopt, 3}};
  spec.max_capacity = 20;
  StepScalingController step{spec};
  CHECK(step.evaluate(0_s, 5, 60) == 5);     // no breach
  CHECK(step.evaluate(60_s, 5, 85) == 7);    // offset 15: [10, 20) -> +2
  CHECK(step.evaluate(120_s, 7, 95) == 7);   // cooldown 300 s
  CHECK(step.evaluate(360_s, 7, 90) == 10);  // offset 20: lower bound inclusive above -> +3
  StepScalingController edge{spec};
  CHECK(edge.evaluate(0_s, 5, 70) == 6);  // offset 0 belongs to [0, 10)
}

TEST_CASE("ECS step scaling supports percent, exact and scale-in alarms", "[autoscaling][ecs]") {
  StepScalingSpec pct;
  pct.threshold = 70;
  pct.type = AdjustmentType::percent_change_in_capacity;
  pct.steps = {{0.0, std::nullopt, 15}};
  pct.max_capacity = 100;
  CHECK(StepScalingController{pct}.evaluate(0_s, 10, 80) == 11);  // trunc(1.5) = 1
  CHECK(StepScalingController{pct}.evaluate(0_s, 3, 80) == 4);    // 0.45 -> at least 1
  pct.min_adjustment_magnitude = 2;
  CHECK(StepScalingController{pct}.evaluate(0_s, 10, 80) == 12);
  StepScalingSpec exact = pct;
  exact.type = AdjustmentType::exact_capacity;
  exact.steps = {{0.0, std::nullopt, 7}};
  CHECK(StepScalingController{exact}.evaluate(0_s, 2, 80) == 7);
  StepScalingSpec in;
  in.threshold = 30;
  in.comparison = Comparison::less;
  in.steps = {{-10.0, 0.0, -1}, {std::nullopt, -10.0, -2}};
  in.datapoints = 2;
  StepScalingController down{in};
  CHECK(down.evaluate(0_s, 5, 25) == 5);   // one datapoint of two
  CHECK(down.evaluate(60_s, 5, 25) == 4);  // offset -5 in (-10, 0]
  StepScalingController down2{in};
  down2.evaluate(0_s, 5, 20);
  CHECK(down2.evaluate(60_s, 5, 20) == 3);  // offset -10: below, (-10, 0] excludes it -> -2
  StepScalingController down3{in};
  down3.evaluate(0_s, 5, 5);
  CHECK(down3.evaluate(60_s, 5, 5) == 3);  // offset -25 -> -2
}

TEST_CASE("the cluster autoscaler estimates nodes by first-fit decreasing on the template",
          "[autoscaling][ca]") {
  const NodeView tmpl = make_node("template", 4000, Bytes::gib(16), 0, Bytes{});
  std::vector<PlacementRequest> pending(5, test::labelled(cpu_mem(1500, Bytes::gib(1)), "a"));
  // Two 1500m pods per 4000m node: 5 pods -> 3 nodes.
  CHECK(estimate_nodes_to_add(pending, tmpl, 100).nodes == 3);
  // Big ones first: 3000m + 1000m fill a node, 2500 + 1500 another.
  std::vector<PlacementRequest> mixed{
      test::labelled(cpu_mem(1000, Bytes::gib(1)), "a"),
      test::labelled(cpu_mem(2500, Bytes::gib(1)), "a"),
      test::labelled(cpu_mem(3000, Bytes::gib(1)), "a"),
      test::labelled(cpu_mem(1500, Bytes::gib(1)), "a"),
      test::labelled(cpu_mem(9000, Bytes::gib(1)), "a"),  // larger than a node
  };
  const auto e = estimate_nodes_to_add(mixed, tmpl, 100);
  CHECK(e.nodes == 2);
  CHECK(e.unhelpable == std::vector<std::size_t>{4});
  CHECK(estimate_nodes_to_add(pending, tmpl, 2).nodes == 2);
}

TEST_CASE("the cluster autoscaler removes a node unneeded for 10 minutes whose pods fit elsewhere",
          "[autoscaling][ca]") {
  // n0 at 12.5% (one 400m pod), n1 at 60%, n2 at 37.5% with a pod too big for n1's room.
  std::vector<NodeView> nodes{make_node("n0", 4000, Bytes::gib(8), 400, Bytes::gib(1)),
                              make_node("n1", 4000, Bytes::gib(8), 2400, Bytes::gib(1)),
                              make_node("n2", 4000, Bytes::gib(8), 1500, Bytes::gib(1))};
  const std::vector<std::vector<PlacementRequest>> pods{
      {test::labelled(cpu_mem(400, Bytes::gib(1)), "a")},
      {test::labelled(cpu_mem(2400, Bytes::gib(1)), "b")},
      {test::labelled(cpu_mem(1500, Bytes::gib(1)), "c")}};
  CHECK(ClusterAutoscaler::utilization(nodes[0]) == Approx(0.125));  // memory 1/8 > cpu 0.1
  ClusterAutoscaler ca;
  CHECK(ca.scale_down(0_s, nodes, pods).empty());
  CHECK(ca.scale_down(590_s, nodes, pods).empty());
  // n0's pod fits on n1 (2800m used); n2's 1500m pod then fits nowhere with n0 gone.
  CHECK(ca.scale_down(600_s, nodes, pods) == std::vector<std::size_t>{0});
  // A scale-up resets the clock for scale-down (10 min delay after add).
  ClusterAutoscaler busy;
  busy.scale_down(0_s, nodes, pods);
  const NodeView tmpl = make_node("t", 4000, Bytes::gib(8), 0, Bytes{});
  const std::vector<PlacementRequest> want{test::labelled(cpu_mem(100, Bytes::mib(1)), "x")};
  CHECK(busy.scale_up(300_s, want, tmpl).nodes == 1);
  CHECK(busy.scale_down(600_s, nodes, pods).empty());
  CHECK(busy.scale_down(900_s, nodes, pods) == std::vector<std::size_t>{0});
  // A node that becomes busy forgets how long it was unneeded.
  ClusterAutoscaler forget;
  forget.scale_down(0_s, nodes, pods);
  auto busier = nodes;
  busier[0].allocated = cpu_mem(3000, Bytes::gib(1));
  forget.scale_down(300_s, busier, pods);
  // At 600 s only n2 has been unneeded for 10 minutes (its pod fits on n0, still kept).
  CHECK(forget.scale_down(600_s, nodes, pods) == std::vector<std::size_t>{2});
  // n0 is unneeded again only since 600 s: removable from 1200 s.
  CHECK(forget.scale_down(900_s, nodes, pods) == std::vector<std::size_t>{2});
  CHECK(forget.scale_down(1200_s, nodes, pods) == std::vector<std::size_t>{0});
}
