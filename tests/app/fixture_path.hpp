#pragma once
// Helpers of the app tests: shared fixtures (tests/fixture.hpp), InputError texts, scratch files,
// running the CLI.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include <catch2/catch.hpp>

#include "app/diagnostic.hpp"
#include "fixture.hpp"

namespace vmcsim::test {

// The what() of the InputError that f throws, or "(no error)".
template <typename F>
std::string input_error_of(F&& f) {
  try {
    f();
  } catch (const vmcsim::app::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

struct Run {
  int exit_code;
  std::string output;  // stdout and stderr together
};

// Runs the built vmcsim (VMCSIM_CLI) with `args`, a shell-quoted argument string.
inline Run run_cli(const std::string& args) {
  const std::string command = std::string{"'"} + VMCSIM_CLI + "' " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr)
    out += buffer;
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// A scratch file for broken-input tests, removed when the object goes away.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& content)
      : path_(std::filesystem::temp_directory_path() /
              ("vmcsim-test-" + std::to_string(::getpid()) + "-" + name)) {
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace vmcsim::test
