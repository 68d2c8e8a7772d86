#pragma once
// What every fuzz target shares. A target feeds one input to one reader and accepts exactly
// one outcome besides success: an app::InputError (the user's mistake, exit 2 in the CLI).
// Anything else escaping (a ContractViolation, std::out_of_range, a sanitizer report, a hang)
// is a finding: libFuzzer stops on the uncaught exception, and the replay driver
// (replay_main.cpp) fails.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "app/diagnostic.hpp"

namespace vmcsim::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Runs body, swallowing only InputError.
template <typename Body>
void expect_only_input_errors(Body&& body) {
  try {
    body();
  } catch (const app::InputError&) {
  }
}

// The trace readers take paths: the input goes to a file of this process (the name ends in
// `suffix`, so ".csv" keeps gzip off), which is removed afterwards.
class TemporaryFile {
 public:
  TemporaryFile(const std::uint8_t* data, std::size_t size, const std::string& suffix)
      : path_((std::filesystem::temp_directory_path() /
               ("vmcsim-fuzz-" + std::to_string(::getpid()) + suffix))
                  .string()) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  ~TemporaryFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace vmcsim::fuzz
