// The Kubernetes manifest importer on YAML text, with the summary `vmcsim import` prints.
#include "app/importers/k8s_manifest.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  vmcsim::fuzz::expect_only_input_errors([&] {
    const auto manifest =
        vmcsim::app::importers::parse_k8s_manifests(vmcsim::fuzz::as_text(data, size), "f");
    vmcsim::app::importers::summarize(manifest);
  });
  return 0;
}
