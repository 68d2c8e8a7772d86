// The scenario loader on YAML text, as `vmcsim validate` reads it (load, then sweep expansion).
#include "app/scenario/loader.hpp"
#include "fuzz_support.hpp"
#include "models/catalog/catalog.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto catalog = vmcsim::models::Catalog::load_default();
  vmcsim::fuzz::expect_only_input_errors([&] {
    const auto s = vmcsim::app::scenario::load_scenario_text(
        std::string{vmcsim::fuzz::as_text(data, size)}, "fuzz.yaml", catalog);
    vmcsim::app::scenario::expand_sweep(s, catalog);
  });
  return 0;
}
