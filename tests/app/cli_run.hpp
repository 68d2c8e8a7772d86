#pragma once
// Running the built vmcsim from a test, with stdout and stderr apart, in a scratch folder that
// goes away with the test. The CLI tests (run, sweep, compare, progress, interruption, install)
// share these.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "compiled_paths.hpp"

namespace vmcsim::test {

struct CliRun {
  int exit_code;    // -1 if it did not exit normally
  std::string out;  // stdout
  std::string err;  // stderr
};

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in{path, std::ios::binary};
  INFO("reading " << path);
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A fresh scratch folder per test, removed at the end.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("vmcsim-run-test-" + std::to_string(::getpid()) + "-" + name)) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The fixtures folder the CLI is given: $VMCSIM_DATA, else the one beside the checkout.
inline std::string data_dir() {
  const char* env = std::getenv("VMCSIM_DATA");
  return env != nullptr && *env != '\0' ? env : VMCSIM_DEFAULT_DATA;
}

// Runs `binary` (default: the built vmcsim) with `args`, a shell-quoted argument string, from
// the source folder with VMCSIM_DATA set to the fixtures; stderr goes through a file in
// `scratch`.
inline CliRun run_vmcsim(const std::string& args, const std::filesystem::path& scratch,
                         const std::string& binary = VMCSIM_CLI) {
  const std::filesystem::path err_file = scratch / "stderr.txt";
  const std::string command = "cd '" + std::string{VMCSIM_SOURCE_DIR_FOR_TESTS} +
                              "' && VMCSIM_DATA='" + data_dir() + "' '" + binary + "' " + args +
                              " 2>'" + err_file.string() + "'";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
    out.append(buffer, n);
  const int status = ::pclose(pipe);
  const std::string err = std::filesystem::exists(err_file) ? read_text(err_file) : std::string{};
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out, err};
}

}  // namespace vmcsim::test
