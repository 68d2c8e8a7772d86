// The Azure Functions 2019 reader on an invocations CSV (the companion durations and memory
// files share its CSV machinery), with the summary `vmcsim import` prints.
#include "app/importers/azure_functions.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const vmcsim::fuzz::TemporaryFile file(data, size, ".csv");
  vmcsim::fuzz::expect_only_input_errors([&] {
    vmcsim::app::importers::summarize(
        vmcsim::app::importers::load_azure_functions(file.path(), "", ""));
  });
  return 0;
}
