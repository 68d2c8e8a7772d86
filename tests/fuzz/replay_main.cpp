// Replays fuzz inputs through a target's LLVMFuzzerTestOneInput without libFuzzer, so any
// compiler's sanitizer build (gcc's in scripts/test) can run the regression corpus.
//   fuzz_<target> FILE_OR_FOLDER...   (a folder: every regular file in it, sorted)
// Exit 0 when every input passed, 2 when there is none; a finding aborts (sanitizer report,
// uncaught exception).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const fs::path arg{argv[i]};
    if (fs::is_directory(arg)) {
      for (const auto& e : fs::directory_iterator{arg})
        if (e.is_regular_file()) inputs.push_back(e.path());
    } else if (fs::is_regular_file(arg)) {
      inputs.push_back(arg);
    } else {
      std::fprintf(stderr, "replay: no such file or folder: %s\n", argv[i]);
      return 2;
    }
  }
  if (inputs.empty()) {
    // A corpus of nothing would pass having replayed nothing.
    std::fprintf(stderr, "replay: no inputs to replay\n");
    return 2;
  }
  std::sort(inputs.begin(), inputs.end());
  for (const auto& path : inputs) {
    std::ifstream in(path, std::ios::binary);
    const std::vector<char> bytes{std::istreambuf_iterator<char>(in), {}};
    std::fprintf(stderr, "replay: %s\n", path.c_str());
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  std::fprintf(stderr, "replay: %zu inputs passed\n", inputs.size());
  return 0;
}
