// The google_usage trace reader (the Google 2011 task_usage table, 20 fields) on CSV text, with
// the summary `vmcsim import trace` prints.
#include "app/importers/google_2011.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const vmcsim::fuzz::TemporaryFile file(data, size, ".csv");
  vmcsim::fuzz::expect_only_input_errors([&] {
    vmcsim::app::importers::summarize(vmcsim::app::importers::load_google_task_usage(file.path()));
  });
  return 0;
}
