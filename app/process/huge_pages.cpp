#include "app/process/huge_pages.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace vmcsim::app {
namespace {

constexpr std::string_view kTunable = "glibc.malloc.hugetlb";

}  // namespace

std::string kernel_huge_page_mode() {
  std::ifstream file{"/sys/kernel/mm/transparent_hugepage/enabled"};
  std::string line;
  std::getline(file, line);
  return line;
}

std::optional<std::string> huge_page_tunables(const std::function<const char*(const char*)>& env,
                                              std::string_view kernel_mode) {
  const auto value = [&](const char* name) {
    const char* v = env(name);
    return v != nullptr ? std::string_view{v} : std::string_view{};
  };
  const bool opted_out = value("VMCSIM_HUGE_PAGES") == "0";
  const std::string_view tunables = value("GLIBC_TUNABLES");
  const bool already_set = tunables.find(kTunable) != std::string_view::npos;
  const bool under_valgrind = value("LD_PRELOAD").find("vgpreload") != std::string_view::npos;
  // The mode is the bracketed word. Only "madvise" waits to be asked: "always" backs the heap
  // with huge pages without being asked, "never" refuses, and an unreadable file means a
  // kernel without them.
  const bool kernel_waits_for_advice = kernel_mode.find("[madvise]") != std::string_view::npos;
  if (!kGlibcMalloc || opted_out || already_set || under_valgrind || !kernel_waits_for_advice)
    return std::nullopt;
  return (tunables.empty() ? std::string{} : std::string{tunables} + ":") + std::string{kTunable} +
         "=1";
}

void use_huge_pages(char** argv) {
  const auto tunables = huge_page_tunables([](const char* name) { return std::getenv(name); },
                                           kernel_huge_page_mode());
  if (!tunables) return;
  const char* before = std::getenv("GLIBC_TUNABLES");
  const std::optional<std::string> previous =
      before != nullptr ? std::optional<std::string>{before} : std::nullopt;
  if (setenv("GLIBC_TUNABLES", tunables->c_str(), 1) != 0) return;
  execv("/proc/self/exe", argv);
  // The exec failed: carry on as we are, with the environment as it was.
  if (previous)
    setenv("GLIBC_TUNABLES", previous->c_str(), 1);
  else
    unsetenv("GLIBC_TUNABLES");
}

}  // namespace vmcsim::app
