#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiled_paths.hpp"
#include "models/catalog/catalog.hpp"

using namespace vmcsim;
using namespace vmcsim::models;

namespace {
std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) FAIL("cannot read " << path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::filesystem::path write_catalog(const std::string& profiles, const std::string& types) {
  const auto dir = std::filesystem::temp_directory_path() / "vmcsim_catalog_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "profiles.yaml") << profiles;
  std::ofstream(dir / "instance_types.yaml") << types;
  return dir;
}

const char* kTypes =
    "instance_types: {m5.large: {vcpus: 2, memory: 8GiB, usd_per_hour: 0.096, source: s}}\n"
    "fargate: {usd_per_vcpu_hour: 0.04, usd_per_gb_hour: 0.004, source: s}\n";
}  // namespace

TEST_CASE("the shipped catalog has every required profile and a source for every value") {
  const Catalog c = Catalog::load_default();
  const std::vector<std::pair<std::string, PlatformKind>> required{
      {"kvm-ubuntu", PlatformKind::vm},           {"ec2-al2023", PlatformKind::vm},
      {"firecracker", PlatformKind::microvm},     {"fargate", PlatformKind::microvm},
      {"runc", PlatformKind::container},          {"gvisor", PlatformKind::container},
      {"kata", PlatformKind::container},          {"ecs-ec2-node", PlatformKind::container_in_vm},
      {"eks-node", PlatformKind::container_in_vm}};
  for (const auto& [name, kind] : required) {
    const PlatformProfile& p = c.profile(name);
    CHECK(p.kind == kind);
    for (const auto& ph : p.boot_phases)
      CHECK_FALSE(ph.source.empty());
    for (const auto& ph : p.stop_phases)
      CHECK_FALSE(ph.source.empty());
  }
  CHECK(c.profile("eks-node").is_node());
  CHECK(c.profile("eks-node").container_runtime.value == "runc");
  CHECK_THROWS_WITH(c.profile("xen"), Catch::Contains("unknown platform profile 'xen'") &&
                                          Catch::Contains("firecracker"));
}

TEST_CASE("instance types and Fargate prices are loaded with their sources") {
  const Catalog c = Catalog::load_default();
  const InstanceType& m5 = c.instance_type("m5.large");
  CHECK(m5.vcpus == 2);
  CHECK(m5.memory == sim::Bytes::gib(8));
  CHECK(m5.usd_per_hour == Approx(0.096));
  CHECK_FALSE(m5.source.empty());
  for (const char* t : {"t3.micro", "m5.xlarge", "m5.2xlarge", "c5.xlarge", "m5.metal"})
    CHECK_NOTHROW(c.instance_type(t));
  // eni-max-pods.txt of the EKS AMI: ENIs x (IPv4 addresses per ENI - 1) + 2.
  CHECK(m5.max_pods == 3 * (10 - 1) + 2);
  CHECK(c.instance_type("m5.xlarge").max_pods == 4 * (15 - 1) + 2);
  for (const auto& [name, type] : c.instance_types()) {
    INFO(name);
    CHECK(type.max_pods > 0);
  }
  CHECK(c.fargate_pricing().usd_per_vcpu_hour == Approx(0.04048));
  CHECK(c.fargate_pricing().usd_per_gb_hour == Approx(0.004445));
}

TEST_CASE("an EKS node reserves the EKS AMI's kube-reserved memory for its instance type") {
  const Catalog c = Catalog::load_default();
  const PlatformProfile& eks = c.profile("eks-node");
  const auto kube_reserved = [&](const char* type) {
    const int pods = c.instance_type(type).max_pods;
    return eks.guest_memory(pods) - eks.guest_os_memory.value - eks.system_reserved_memory.value;
  };
  // bootstrap.sh: 11 MiB x max pods + 255 MiB.
  CHECK(kube_reserved("m5.large") == sim::Bytes::mib(11 * 29 + 255));
  CHECK(kube_reserved("m5.xlarge") == sim::Bytes::mib(11 * 58 + 255));
  // ECS reserves no per-task memory; a plain VM profile has no agent at all.
  const PlatformProfile& ecs = c.profile("ecs-ec2-node");
  CHECK(ecs.guest_memory(58) == ecs.guest_memory(0));
  const PlatformProfile& kvm = c.profile("kvm-ubuntu");
  CHECK(kvm.guest_memory() == kvm.guest_os_memory.value);
}

TEST_CASE("only Fargate (ECS tasks and EKS pods) runs its tasks at Fargate sizes") {
  const Catalog c = Catalog::load_default();
  for (const auto& [name, p] : c.profiles()) {
    INFO(name);
    CHECK(p.fargate_task_sizes.value == (name == "fargate" || name == "fargate-eks"));
  }
  CHECK_FALSE(c.profile("fargate").fargate_task_sizes.source.empty());
}

TEST_CASE("durations are parsed from their written forms") {
  CHECK(parse_duration(YAML::Load("{dist: constant, value: 30ms}")).mean() == Approx(0.030));
  CHECK(parse_duration(YAML::Load("250ms")).mean() == Approx(0.25));
  const auto ln = parse_duration(YAML::Load("{dist: lognormal, median: 1.2s, p95: 2s}"));
  REQUIRE(std::holds_alternative<sim::LogNormal>(ln.variant()));
  CHECK(std::get<sim::LogNormal>(ln.variant()).median() == Approx(1.2));
  CHECK(parse_duration(YAML::Load("{dist: normal, mean: 100s, sd: 7s}")).mean() == Approx(100));
  CHECK_THROWS_WITH(parse_duration(YAML::Load("{dist: gamma, mean: 1s}")),
                    Catch::Contains("unknown distribution 'gamma'"));
  CHECK_THROWS_WITH(parse_duration(YAML::Load("{dist: normal, mean: 1s}")),
                    Catch::Contains("needs 'sd'"));
  CHECK_THROWS_WITH(parse_duration(YAML::Load("{dist: constant, value: 3 parsecs}")),
                    Catch::Contains("value"));
}

TEST_CASE("overrides change phases and fields and reject unknown keys by name") {
  PlatformProfile fc = Catalog::load_default().profile("firecracker");
  apply_overrides(fc, YAML::Load("{boot: {kernel: {dist: constant, value: 80ms}}, "
                                 "hypervisor_overhead_fixed: 3MiB, "
                                 "creation_rate_per_core: {value: 2, source: my lab}}"));
  CHECK(fc.find_boot_phase("kernel")->duration.mean() == Approx(0.080));
  CHECK(fc.find_boot_phase("kernel")->source == "scenario override");
  CHECK(fc.hypervisor_overhead_fixed.value == sim::Bytes::mib(3));
  CHECK(fc.creation_rate_per_core.value == 2.0);
  CHECK(fc.creation_rate_per_core.source == "my lab");

  CHECK_THROWS_WITH(
      apply_overrides(fc, YAML::Load("{hypervisor_overheed: 3MiB}")),
      Catch::Contains("unknown key 'hypervisor_overheed'") && Catch::Contains("firecracker"));
  CHECK_THROWS_WITH(apply_overrides(fc, YAML::Load("{boot: {bios: 1s}}")),
                    Catch::Contains("unknown boot phase 'bios'"));
  CHECK_THROWS_WITH(apply_overrides(fc, YAML::Load("{runtime_overhead: lots}")),
                    Catch::Contains("runtime_overhead"));
  try {
    apply_overrides(fc, YAML::Load("a: 1\nnot_a_field: 2\n"));
    FAIL("expected a CatalogError");
  } catch (const CatalogError& e) {
    CHECK(e.line() == 1);  // 'a' is the first unknown key, on line 1
  }
}

TEST_CASE("a bad catalog file is rejected with its file, line and field") {
  const auto dir = write_catalog(
      "profiles:\n"
      "  p:\n"
      "    kind: container\n"
      "    boot: [{name: a, duration: 1s, source: s}]\n"
      "    stop: [{name: b, duration: 1s, source: s}]\n"
      "    runtime_overhead: {value: 1MiB}\n",
      kTypes);
  CHECK_THROWS_WITH(Catalog::load(dir), Catch::Contains("profiles.yaml:6:") &&
                                            Catch::Contains("'runtime_overhead' needs a source"));
  write_catalog("profiles:\n  p:\n    kind: hovercraft\n    boot: []\n    stop: []\n", kTypes);
  CHECK_THROWS_WITH(Catalog::load(dir), Catch::Contains("unknown kind 'hovercraft'"));
}

TEST_CASE("docs/calibration.md is the rendering of the catalog") {
  const std::filesystem::path doc =
      std::filesystem::path(VMCSIM_SOURCE_DIR_FOR_TESTS) / "docs" / "calibration.md";
  const std::string rendered = Catalog::load_default().render_markdown();
  CHECK(rendered.find("| hypervisor_overhead_fixed | 218MiB |") != std::string::npos);
  // To regenerate: build/bin/render_calibration > docs/calibration.md
  CHECK(read_file(doc) == rendered);
}

TEST_CASE("every value a profile's kind uses has a source") {
  const Catalog c = Catalog::load_default();
  for (const auto& [name, p] : c.profiles()) {
    INFO("profile " << name);
    CHECK_FALSE(p.cpu_time_factor.source.empty());
    CHECK_FALSE(p.random_iops_factor.source.empty());
    CHECK_FALSE(p.network_rtt_added.source.empty());
    const bool vm_like = p.kind != PlatformKind::container;
    if (vm_like) {
      CHECK_FALSE(p.guest_os_memory.source.empty());
      CHECK_FALSE(p.hypervisor_overhead_fraction.source.empty());
      CHECK_FALSE(p.hypervisor_overhead_fixed.source.empty());
      CHECK_FALSE(p.hypervisor_overhead_per_vcpu.source.empty());
    } else {
      CHECK_FALSE(p.runtime_overhead.source.empty());
    }
    if (p.find_boot_phase("image_pull") != nullptr) {
      CHECK_FALSE(p.unpack_throughput.source.empty());
      CHECK_FALSE(p.serialize_image_pulls.source.empty());
      CHECK_FALSE(p.max_parallel_layers.source.empty());
    }
    if (p.is_node()) {
      CHECK_FALSE(p.agent_memory.source.empty());
      CHECK_FALSE(p.system_reserved_memory.source.empty());
      CHECK_FALSE(p.image_cache_capacity.source.empty());
      CHECK_FALSE(p.serialize_image_pulls.source.empty());
      CHECK_FALSE(p.max_parallel_layers.source.empty());
    }
  }
}

TEST_CASE("every instance profile has an app_init phase, so a service's app_init is paid alike") {
  const Catalog c = Catalog::load_default();
  for (const auto& [name, p] : c.profiles()) {
    INFO(name);
    if (p.is_node()) continue;  // nodes run no application; their containers' profile does
    CHECK(p.find_boot_phase("app_init") != nullptr);
  }
}

TEST_CASE("a phase override may set its duration, CPU time and disk bytes") {
  const Catalog c = Catalog::load_default();
  PlatformProfile kata = c.profile("kata");
  apply_overrides(kata, YAML::Load("{boot: {sandbox: {duration: 500ms, cpu: 300ms, io: 1MiB}}}"));
  const PhaseSpec* sandbox = kata.find_boot_phase("sandbox");
  REQUIRE(sandbox != nullptr);
  CHECK(sandbox->duration.mean() == Approx(0.5));
  CHECK(sandbox->cpu == sim::Time::from_ms(300));
  CHECK(sandbox->io == sim::Bytes::mib(1));
  apply_overrides(kata, YAML::Load("{boot: {sandbox: {dist: constant, value: 1s}}}"));
  CHECK(kata.find_boot_phase("sandbox")->cpu == sim::Time::from_ms(300));  // kept
  CHECK_THROWS_AS(apply_overrides(kata, YAML::Load("{boot: {sandbox: {cpus: 1s}}}")), CatalogError);
  CHECK_THROWS_AS(apply_overrides(kata, YAML::Load("{platform_launch_rate: fast}")), CatalogError);
  apply_overrides(kata, YAML::Load("{max_concurrent_starts: 4}"));
  CHECK(kata.max_concurrent_starts.value == 4);
}

TEST_CASE("an instance type's max pods must match its ENIs") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "vmcsim-catalog-eni-test";
  fs::create_directories(dir);
  fs::copy_file(fs::path(VMCSIM_SOURCE_DIR_FOR_TESTS) / "models/catalog/profiles.yaml",
                dir / "profiles.yaml", fs::copy_options::overwrite_existing);
  std::ofstream{dir / "instance_types.yaml"}
      << "instance_types:\n  m5.large: {vcpus: 2, memory: 8GiB, max_pods: 57, enis: 3, "
         "ipv4_per_eni: 10, usd_per_hour: 0.096, source: test}\n"
         "fargate: {usd_per_vcpu_hour: 0.04, usd_per_gb_hour: 0.004, source: test}\n";
  CHECK_THROWS_WITH(Catalog::load(dir), Catch::Contains("ENIs x (IPv4 per ENI - 1) + 2 = 29"));
  fs::remove_all(dir);
}
