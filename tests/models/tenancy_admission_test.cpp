// ResourceQuota and LimitRange admission against hand-worked examples (the Kubernetes docs'
// "Resource Quotas", "Configure Default CPU Requests and Limits for a Namespace" and "Configure
// Minimum and Maximum CPU Constraints for a Namespace" pages).
#include <catch2/catch.hpp>

#include <string>

#include "models/tenancy/admission.hpp"

using namespace vmcsim;
using namespace vmcsim::models::tenancy;
using sim::Bytes;
using sim::Millicores;

namespace {

PodResources pod(std::int64_t req_m, Bytes req_mem, std::int64_t lim_m, Bytes lim_mem) {
  return PodResources{Millicores{req_m}, Millicores{lim_m}, req_mem, lim_mem};
}

Namespace quota_namespace() {
  ResourceQuota q{"compute-resources",
                  {{QuotaResource::requests_cpu, 1000},
                   {QuotaResource::requests_memory, Bytes::gib(1).count()},
                   {QuotaResource::limits_cpu, 2000},
                   {QuotaResource::limits_memory, Bytes::gib(2).count()},
                   {QuotaResource::pods, 4}}};
  return Namespace{"team-a", "a", {q}, {}};
}

}  // namespace

TEST_CASE("quota admits pods up to the hard limits and rejects the next with the API reason") {
  Admission adm({quota_namespace()});
  const PodResources half = pod(500, Bytes::mib(512), 1000, Bytes::gib(1));
  REQUIRE(adm.admit("team-a", "p1", half).admitted);
  REQUIRE(adm.admit("team-a", "p2", half).admitted);  // exactly at requests.cpu = 1: allowed
  CHECK(adm.used("team-a", "compute-resources", QuotaResource::requests_cpu) == 1000);
  const auto r = adm.admit("team-a", "p3", pod(100, Bytes::mib(128), 200, Bytes::mib(256)));
  CHECK_FALSE(r.admitted);
  CHECK(r.reason ==
        "pods \"p3\" is forbidden: exceeded quota: compute-resources, requested: "
        "limits.cpu=200m,limits.memory=256Mi,requests.cpu=100m,requests.memory=128Mi, used: "
        "limits.cpu=2,limits.memory=2Gi,requests.cpu=1,requests.memory=1Gi, limited: "
        "limits.cpu=2,limits.memory=2Gi,requests.cpu=1,requests.memory=1Gi");
  CHECK(adm.rejected_count("team-a") == 1);
  CHECK(adm.admitted_count("team-a") == 2);
  // A terminated pod gives its usage back: the same pod now fits (600m of 1 core).
  adm.release("team-a", half);
  CHECK(adm.admit("team-a", "p3", pod(100, Bytes::mib(128), 200, Bytes::mib(256))).admitted);
  CHECK(adm.used("team-a", "compute-resources", QuotaResource::requests_cpu) == 600);
  CHECK(adm.used("team-a", "compute-resources", QuotaResource::pods) == 2);
}

TEST_CASE("a pod count quota names only the exceeded resource") {
  Admission adm(
      {Namespace{"ns", "", {ResourceQuota{"pod-count", {{QuotaResource::pods, 2}}}}, {}}});
  CHECK(adm.admit("ns", "a", {}).admitted);
  CHECK(adm.admit("ns", "b", {}).admitted);
  CHECK(adm.admit("ns", "c", {}).reason ==
        "pods \"c\" is forbidden: exceeded quota: pod-count, requested: pods=1, used: pods=2, "
        "limited: pods=2");
}

TEST_CASE("a quota on requests.cpu rejects a pod that does not say its CPU request") {
  Admission adm({quota_namespace()});
  PodResources p;
  p.memory_request = Bytes::mib(64);
  p.memory_limit = Bytes::mib(64);
  CHECK(adm.admit("team-a", "bare", p).reason ==
        "pods \"bare\" is forbidden: failed quota: compute-resources: must specify limits.cpu "
        "for: bare; requests.cpu for: bare");
  CHECK(adm.admit("nowhere", "x", p).reason == "namespaces \"nowhere\" not found");
}

TEST_CASE("LimitRange defaults follow the docs' default-cpu-example") {
  // default: cpu 1, defaultRequest: cpu 0.5.
  LimitRange lr{"cpu-limit-range", Millicores{1000}, Millicores{500}, {}, {}, {}, {}, {}, {}};
  const auto none = apply_limit_range(lr, {});
  CHECK(none.pod.cpu_request == Millicores{500});
  CHECK(none.pod.cpu_limit == Millicores{1000});
  // Only a limit: the request is the limit (pod defaulting, before the LimitRanger).
  Admission adm({Namespace{"default-cpu-example", "", {}, {lr}}});
  PodResources only_limit;
  only_limit.cpu_limit = Millicores{1000};
  const auto a = adm.admit("default-cpu-example", "default-cpu-demo-2", only_limit);
  REQUIRE(a.admitted);
  CHECK(a.pod.cpu_request == Millicores{1000});
  // Only a request: the limit is the default.
  PodResources only_request;
  only_request.cpu_request = Millicores{750};
  const auto b = adm.admit("default-cpu-example", "default-cpu-demo-3", only_request);
  CHECK(b.pod.cpu_request == Millicores{750});
  CHECK(b.pod.cpu_limit == Millicores{1000});
}

TEST_CASE("LimitRange min and max follow the docs' constraints-cpu-example") {
  // min 200m, max 800m: default and defaultRequest become the max.
  LimitRange lr{"cpu-min-max-demo-lr", {}, {}, Millicores{200}, Millicores{800}, {}, {}, {}, {}};
  Admission adm({Namespace{"constraints-cpu-example", "", {}, {lr}}});
  const auto too_big = adm.admit("constraints-cpu-example", "constraints-cpu-demo-2",
                                 PodResources{Millicores{500}, Millicores{1500}, {}, {}});
  CHECK(too_big.reason ==
        "pods \"constraints-cpu-demo-2\" is forbidden: maximum cpu usage per Container is 800m, "
        "but limit is 1500m");
  const auto too_small = adm.admit("constraints-cpu-example", "constraints-cpu-demo-3",
                                   PodResources{Millicores{100}, Millicores{800}, {}, {}});
  CHECK(too_small.reason ==
        "pods \"constraints-cpu-demo-3\" is forbidden: minimum cpu usage per Container is 200m, "
        "but request is 100m");
  const auto defaulted = adm.admit("constraints-cpu-example", "constraints-cpu-demo-4", {});
  REQUIRE(defaulted.admitted);
  CHECK(defaulted.pod.cpu_limit == Millicores{800});
  CHECK(defaulted.pod.cpu_request == Millicores{800});
  CHECK(adm.rejected_count("constraints-cpu-example") == 2);
}

TEST_CASE("quantities print in Kubernetes' canonical form") {
  CHECK(format_quantity(Bytes::mib(512)) == "512Mi");
  CHECK(format_quantity(Bytes::gib(2)) == "2Gi");
  CHECK(format_quantity(Bytes{1000}) == "1000");
  CHECK(format_quantity(Millicores{1500}) == "1500m");
  CHECK(format_quantity(Millicores{2000}) == "2");
  CHECK(parse_quota_resource("cpu") == QuotaResource::requests_cpu);
  CHECK_FALSE(parse_quota_resource("requests.gpu"));
}
