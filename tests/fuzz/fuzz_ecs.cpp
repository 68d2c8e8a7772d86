// The ECS task-definition importer on JSON text, with the summary `vmcsim import` prints.
#include "app/importers/ecs_task_definition.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  vmcsim::fuzz::expect_only_input_errors([&] {
    const auto task =
        vmcsim::app::importers::parse_ecs_task_definition(vmcsim::fuzz::as_text(data, size), "f");
    vmcsim::app::importers::summarize(task);
  });
  return 0;
}
