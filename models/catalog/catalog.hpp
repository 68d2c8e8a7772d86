#pragma once
// Catalog: the platform profiles and instance types, loaded from YAML (models/catalog/).
//
//   const Catalog catalog = Catalog::load_default();    // Catalog::default_dir()
//   PlatformProfile fc = catalog.profile("firecracker");
//   apply_overrides(fc, YAML::Load("{boot: {kernel: {dist: constant, value: 80ms}}}"));
//
// profiles.yaml holds `profiles: {<name>: {kind, description, boot: [phases], stop: [phases],
// <field>: {value, source}, ...}}`; a phase is `{name, duration, source}`. Durations are
// written `{dist: constant, value: 30ms}`, `{dist: lognormal, median: 1.2s, p95: 2s}` (or
// `sigma`), `{dist: normal, mean: 100s, sd: 7s}`, `{dist: uniform, low: 1s, high: 2s}`,
// `{dist: exponential, mean: 3s}`, or a bare time ("30ms", a constant). Every field and phase
// must have a non-empty source. Unknown keys are errors, never ignored.
#include <yaml-cpp/yaml.h>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include "models/catalog/profile.hpp"
#include "models/failures/failures.hpp"

namespace vmcsim::models {

// A catalog or override error. what() reads "<where>: <message>"; line and column (1-based,
// 0 if unknown) are those of the YAML node at fault, so the app layer can prefix its file.
class CatalogError : public std::runtime_error {
 public:
  CatalogError(const std::string& message, int line, int column)
      : std::runtime_error(message), line_(line), column_(column) {}
  int line() const { return line_; }
  int column() const { return column_; }

 private:
  int line_, column_;
};

// Throws CatalogError "<line>:<column>: <message>" at `at` (the message alone where the node has
// no position): every reader of the catalog's YAML files reports through it.
[[noreturn]] void fail_at(const YAML::Node& at, const std::string& message);

class Catalog {
 public:
  // Reads <dir>/profiles.yaml and <dir>/instance_types.yaml; errors name the file and line.
  static Catalog load(const std::filesystem::path& dir);
  // The catalog shipped with vmcsim: load(default_dir()).
  static Catalog load_default();
  // Where the shipped catalog is: <prefix>/share/vmcsim/catalog beside an installed binary's
  // <prefix>/bin (found from the running executable, so an installed tree can move), else the
  // models/catalog of the source tree a build-tree binary came from. Throws CatalogError naming
  // the places it looked when neither holds profiles.yaml.
  static std::filesystem::path default_dir();

  // Throws std::out_of_range naming the known profiles if `name` is not one.
  const PlatformProfile& profile(std::string_view name) const;
  const InstanceType& instance_type(std::string_view name) const;
  const std::map<std::string, PlatformProfile, std::less<>>& profiles() const { return profiles_; }
  const std::map<std::string, InstanceType, std::less<>>& instance_types() const {
    return instance_types_;
  }
  const FargatePricing& fargate_pricing() const { return fargate_; }
  // The platforms' detection and recovery defaults (<dir>/detection.yaml,
  // models/catalog/detection_catalog.hpp). A catalog directory without that file (a test's)
  // gets all zeros: only scenarios with failures or probes read them.
  const failures::DetectionConfig& detection() const { return detection_; }
  const HostPowerDefaults& host_power() const { return host_power_; }

  // The whole catalog as Markdown tables (docs/calibration.md is this text).
  std::string render_markdown() const;

 private:
  std::map<std::string, PlatformProfile, std::less<>> profiles_;
  std::map<std::string, InstanceType, std::less<>> instance_types_;
  FargatePricing fargate_;
  failures::DetectionConfig detection_;
  HostPowerDefaults host_power_;
};

// Applies a YAML map of overrides onto a profile: any field (`runtime_overhead: 10MiB` or
// `{value: 10MiB, source: ...}`), and phases by name (`boot: {kernel: {dist: constant, value:
// 80ms}}`). An unknown field or phase name throws CatalogError naming it.
void apply_overrides(PlatformProfile& profile, const YAML::Node& overrides);

// Parses one duration distribution (see above); values are in seconds.
sim::Distribution parse_duration(const YAML::Node& node);

}  // namespace vmcsim::models
