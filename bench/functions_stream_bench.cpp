// [fn] Streaming the Azure Functions 2019 trace: peak memory of loading a sample of 50
// functions (load_azure_functions_sample, reservoir sampling) against loading every function
// (load_azure_functions, the peer), as the number of functions in the file grows. Each load runs
// in a forked child so that its peak RSS is its own. Synthetic files in the trace's format with
// 1440 minute columns; the sampled load should stay flat while the full load grows linearly.
//   usage: functions_stream_bench [max_functions=40000]
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "bench/bench_support.hpp"

#include "app/importers/azure_functions.hpp"

namespace im = vmcsim::app::importers;

namespace {

void write_trace(const std::string& path, int functions) {
  std::ofstream out{path};
  out << "HashOwner,HashApp,HashFunction,Trigger";
  for (int m = 1; m <= 1440; ++m)
    out << ',' << m;
  out << '\n';
  for (int f = 0; f < functions; ++f) {
    out << fmt::format("o{:08x},a{:08x},f{:08x},http", f / 7, f / 3, f);
    for (int m = 0; m < 1440; ++m)
      out << ',' << ((f + m) % 17 == 0 ? (f % 5) + 1 : 0);
    out << '\n';
  }
}

// Peak RSS (MiB) of a child process that runs `load` (the number of functions loaded is kept
// observable, so that the load is not optimised away).
template <class F>
double child_peak_mib(const std::string& what, F load) {
  return vmcsim::bench::run_in_child<double>("functions_stream_bench", what, [&] {
    const std::size_t kept = load();
    benchmark::DoNotOptimize(kept);
    return vmcsim::bench::peak_rss_mib();
  });
}

}  // namespace

int main(int argc, char** argv) try {
  const int max_functions = argc > 1 ? std::atoi(argv[1]) : 40000;
  const auto dir = std::filesystem::temp_directory_path() /
                   fmt::format("vmcsim-functions-bench-{}", getpid());
  std::filesystem::create_directories(dir);
  std::printf("functions  file_MiB  sampled_50_peak_MiB  full_load_peak_MiB  full/sampled\n");
  for (int n = max_functions / 8; n <= max_functions; n *= 2) {
    const std::string path = (dir / fmt::format("inv-{}.csv", n)).string();
    write_trace(path, n);
    const double file_mib =
        static_cast<double>(std::filesystem::file_size(path)) / (1024.0 * 1024.0);
    const double sampled = child_peak_mib(fmt::format("{} functions, sampled", n), [&] {
      return im::load_azure_functions_sample(path, "", "", 50, 1).functions.size();
    });
    const double full = child_peak_mib(fmt::format("{} functions, full", n), [&] {
      return im::load_azure_functions(path, "", "").functions.size();
    });
    std::printf("%9d  %8.1f  %19.1f  %18.1f  %12.2f\n", n, file_mib, sampled, full, full / sampled);
    std::filesystem::remove(path);
  }
  std::filesystem::remove_all(dir);
  return 0;
} catch (const std::exception& e) {
  std::cerr << "functions_stream_bench: " << e.what() << '\n';
  return 1;
}
