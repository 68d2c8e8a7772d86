// A run whose writes fail (a full disk: here a file-size limit, RLIMIT_FSIZE, so every write past
// it fails with EFBIG) exits 2 naming the file, and leaves the output folder as it was: the
// earlier run's complete set, or nothing new; never a partial results.json or report.html, never
// old files mixed with new ones, no temporary file behind.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cli_run.hpp"

namespace {

namespace fs = std::filesystem;
using vmcsim::test::read_text;
using vmcsim::test::ScratchDir;

struct Child {
  int exit_code = -1;
  std::string err;
};

// Runs the built vmcsim with `args` in a child process whose files may not grow past
// `max_file_bytes` (SIGXFSZ ignored, so a write past it fails with EFBIG as on a full disk);
// stderr goes to `scratch`/stderr.txt, written before the limit applies.
Child run_with_file_limit(const std::vector<std::string>& args, rlim_t max_file_bytes,
                          const fs::path& scratch) {
  const fs::path err_file = scratch / "stderr.txt";
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int fd = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) ::_exit(120);
    ::dup2(fd, STDERR_FILENO);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{max_file_bytes, max_file_bytes};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(121);
    ::setenv("VMCSIM_DATA", vmcsim::test::data_dir().c_str(), 1);
    std::vector<char*> argv;
    std::string binary = VMCSIM_CLI;
    argv.push_back(binary.data());
    std::vector<std::string> copies = args;
    for (auto& a : copies)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(122);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_text(err_file)};
}

// Every file of `folder` (hidden ones included) and its bytes.
std::map<std::string, std::string> contents(const fs::path& folder) {
  std::map<std::string, std::string> out;
  if (!fs::exists(folder)) return out;
  for (const auto& e : fs::directory_iterator(folder))
    out[e.path().filename().string()] = read_text(e.path());
  return out;
}

using vmcsim::test::small_scenario;

// The check of the output folder writes a 4 KiB probe: the limit lets it through, and the
// larger result files (report.html, timeseries.csv, trace.json: 18 to 30 KiB) hit it, while
// results.json (13 KiB) fits: the set must not be half replaced.
constexpr rlim_t kLimit = 16 * 1024;

std::vector<std::string> run_args(const fs::path& out, const std::string& seed) {
  return {"run", small_scenario.string(), "--replications", "1", "--jobs", "1", "--seed", seed,
          "--quiet", "--out", out.string()};
}

}  // namespace

TEST_CASE("a run that cannot write its files on a full disk leaves the earlier complete set") {
  ScratchDir dir{"full-disk"};
  const fs::path out = dir.path() / "out";
  const Child first = run_with_file_limit(run_args(out, "1"), RLIM_INFINITY, dir.path());
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  const auto before = contents(out);
  REQUIRE(before.count("results.json") == 1);
  REQUIRE(before.count("report.html") == 1);
  REQUIRE(before.at("report.html").size() > kLimit);  // the limit does bite

  // Another seed, so every file of a complete second run would differ.
  const Child second = run_with_file_limit(run_args(out, "2"), kLimit, dir.path());
  CHECK(second.exit_code == 2);
  CHECK_THAT(second.err, Catch::Contains(out.string()));
  CHECK_THAT(second.err, Catch::Contains("cannot write the file: File too large"));
  // Byte for byte the first run's files, and nothing else (no temporary, no new file).
  CHECK(contents(out) == before);
}

TEST_CASE("a first run that cannot write its files on a full disk leaves no results.json") {
  ScratchDir dir{"full-disk-empty"};
  const fs::path out = dir.path() / "out";
  const Child r = run_with_file_limit(run_args(out, "1"), kLimit, dir.path());
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(out.string()));
  CHECK(contents(out).empty());
}
