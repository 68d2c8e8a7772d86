// Result files are written as one set (issue 17): temporary files renamed into place, stale files
// of an earlier run removed, a failed run leaving the earlier files intact, and an output folder
// that cannot take the results refused before the first event.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "app/diagnostic.hpp"
#include "app/report/results_json.hpp"
#include "app/report/write_all.hpp"
#include "fixture_path.hpp"
#include "sample_results.hpp"

namespace fs = std::filesystem;
using vmcsim::app::InputError;
using vmcsim::app::report::check_output_folder;
using vmcsim::app::report::write_all;
using vmcsim::app::report::write_files;
using vmcsim::test::input_error_of;

namespace {

class Folder {
 public:
  explicit Folder(const std::string& name)
      : path_(fs::temp_directory_path() /
              ("vmcsim-write-test-" + std::to_string(::getpid()) + "-" + name)) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~Folder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  Folder(const Folder&) = delete;
  Folder& operator=(const Folder&) = delete;
  const fs::path& path() const { return path_; }
  void put(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name, std::ios::binary) << text;
  }
  std::string read(const std::string& name) const {
    std::ifstream in(path_ / name, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator{path_})
      out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  fs::path path_;
};

}  // namespace

TEST_CASE("a run that fails midway leaves the earlier results.json intact and no temporary file") {
  const Folder dir("midway");
  dir.put("results.json", "{\"earlier\": true}\n");
  dir.put("trace.json", "earlier trace");
  const auto fail = [](std::ostream& o) {
    o << std::string(100'000, 'x');  // half a file, then the injected failure
    throw std::runtime_error("injected failure");
  };
  CHECK_THROWS_WITH(write_files(dir.path(), {{"results.json", [](std::ostream& o) { o << "{}"; }},
                                             {"report.html", fail}}),
                    "injected failure");
  CHECK(dir.read("results.json") == "{\"earlier\": true}\n");
  CHECK(dir.read("trace.json") == "earlier trace");
  CHECK(dir.names() == std::vector<std::string>{"results.json", "trace.json"});
}

TEST_CASE("a second run into a folder removes the earlier run's files it does not write") {
  const Folder dir("second");
  for (const auto* name : {"results.json", "trace.json", "report.html", "sweep.csv"})
    dir.put(name, "earlier");
  dir.put("notes.txt", "the user's own file");
  write_files(dir.path(), {{"results.json", [](std::ostream& o) { o << "new"; }},
                           {"instances.csv", [](std::ostream& o) { o << "new"; }}});
  CHECK(dir.names() == std::vector<std::string>{"instances.csv", "notes.txt", "results.json"});
  CHECK(dir.read("results.json") == "new");
}

TEST_CASE("write_all writes every result file and the extra ones as one set") {
  const Folder dir("all");
  dir.put("placement.txt", "earlier");
  vmcsim::app::report::WriteOptions options;
  options.extra.push_back({"sweep.csv", [](std::ostream& o) { o << "a,b\n"; }});
  write_all(vmcsim::test::sample_results(), dir.path(), options);
  CHECK(dir.names() == std::vector<std::string>{"instances.csv", "report.html", "results.json",
                                                "sweep.csv", "timeseries.csv", "timings.json",
                                                "trace.json"});
  CHECK(dir.read("sweep.csv") == "a,b\n");
}

TEST_CASE("an output folder that is a file or cannot be created is an input error naming it") {
  const Folder dir("check");
  dir.put("file", "x");
  CHECK(input_error_of([&] { check_output_folder(dir.path() / "file"); }) ==
        (dir.path() / "file").string() + ": error: the output folder is a file, not a folder");
  CHECK_THAT(input_error_of([&] { check_output_folder(dir.path() / "file" / "sub"); }),
             Catch::StartsWith((dir.path() / "file" / "sub").string() +
                               ": error: cannot create the output folder"));
  CHECK_THAT(input_error_of([] { check_output_folder("/proc/self/vmcsim-results"); }),
             Catch::StartsWith("/proc/self/vmcsim-results: error: cannot"));
  check_output_folder(dir.path() / "new" / "folder");
  CHECK(fs::is_directory(dir.path() / "new" / "folder"));
  CHECK(fs::is_empty(dir.path() / "new" / "folder"));  // the probe file is gone
}

TEST_CASE("vmcsim run with --out naming a file exits 2 with the path before simulating") {
  const Folder dir("cli");
  dir.put("taken", "x");
  const auto out = (dir.path() / "taken").string();
  const auto scenario = std::string{VMCSIM_TEST_DATA} + "/runner/small.yaml";
  const auto run = vmcsim::test::run_cli("run '" + scenario + "' --out '" + out + "'");
  CHECK(run.exit_code == 2);
  CHECK(run.output == out + ": error: the output folder is a file, not a folder\n");
  CHECK(dir.read("taken") == "x");
}

TEST_CASE("results.json replaces invalid UTF-8 in names instead of throwing") {
  auto results = vmcsim::test::sample_results();
  results.scenario_name = "bad \xC3";
  results.variants.at(0).name = "v\xFFm";
  results.resolved_scenario["name"] = "bad \xC3";
  std::ostringstream out;
  REQUIRE_NOTHROW(vmcsim::app::report::write_results_json(results, out));
  CHECK_THAT(out.str(), Catch::Contains("\"scenario_name\": \"bad \xEF\xBF\xBD\""));
  CHECK_THAT(out.str(), Catch::Contains("\"name\": \"v\xEF\xBF\xBDm\""));
  const Folder dir("utf8");
  REQUIRE_NOTHROW(write_all(results, dir.path()));
  CHECK(fs::file_size(dir.path() / "results.json") > 100);
}
