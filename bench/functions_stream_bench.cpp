// [fn] Streaming the Azure Functions 2019 trace: peak memory of loading a sample of 50
// functions (load_azure_functions_sample, reservoir sampling) against loading every function
// (load_azure_functions, the peer), as the number of functions in the file grows. Each load runs
// in a forked child so that its peak RSS is its own. Synthetic files in the trace's format with
// 1440 minute columns; the sampled load should stay flat while the full load grows linearly.
//   usage: functions_stream_bench [max_functions=40000]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>

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

// Peak RSS (MiB) of a child process that runs `load`.
template <class F>
double child_peak_mib(F load) {
  int fd[2];
  if (pipe(fd) != 0) std::abort();
  const pid_t pid = fork();
  if (pid == 0) {
    close(fd[0]);
    const std::size_t kept = load();
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    const double mib = static_cast<double>(u.ru_maxrss) / 1024.0 + 0.0 * static_cast<double>(kept);
    if (write(fd[1], &mib, sizeof mib) != sizeof mib) _exit(2);
    _exit(0);
  }
  close(fd[1]);
  double mib = -1;
  if (read(fd[0], &mib, sizeof mib) != sizeof mib) mib = -1;
  close(fd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return mib;
}

}  // namespace

int main(int argc, char** argv) {
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
    const double sampled = child_peak_mib(
        [&] { return im::load_azure_functions_sample(path, "", "", 50, 1).functions.size(); });
    const double full =
        child_peak_mib([&] { return im::load_azure_functions(path, "", "").functions.size(); });
    std::printf("%9d  %8.1f  %19.1f  %18.1f  %12.2f\n", n, file_mib, sampled, full, full / sampled);
    std::filesystem::remove(path);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
