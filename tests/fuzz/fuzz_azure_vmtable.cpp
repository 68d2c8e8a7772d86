// The azure_vmtable trace reader on CSV text, with the summary `vmcsim import` prints.
#include "app/importers/azure_vm.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const vmcsim::fuzz::TemporaryFile file(data, size, ".csv");
  vmcsim::fuzz::expect_only_input_errors([&] {
    vmcsim::app::importers::summarize(vmcsim::app::importers::load_azure_vmtable(file.path()));
  });
  return 0;
}
