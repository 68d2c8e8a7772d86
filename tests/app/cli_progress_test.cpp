// `vmcsim run --progress`, the terminal bar, and Ctrl-C: the run stops cleanly, writes the whole
// replications it finished marked partial, and exits 130.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_run.hpp"
#include "compiled_paths.hpp"
#include "sanitizers.hpp"

namespace {

namespace fs = std::filesystem;
using vmcsim::test::read_text;
using vmcsim::test::run_vmcsim;
using vmcsim::test::ScratchDir;

using vmcsim::test::small_scenario;

std::size_t count(const std::string& text, const std::regex& pattern) {
  return static_cast<std::size_t>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), pattern), {}));
}

// vmcsim started in the background with stderr into a file, so a test can signal it.
class Background {
 public:
  Background(const std::vector<std::string>& args, const fs::path& err_file) : err_(err_file) {
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      const int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int null = ::open("/dev/null", O_WRONLY);
      ::dup2(err, 2);
      ::dup2(null, 1);
      if (::chdir(VMCSIM_SOURCE_DIR_FOR_TESTS) != 0) ::_exit(126);
      ::setenv("VMCSIM_DATA", vmcsim::test::data_dir().c_str(), 1);
      std::vector<char*> argv{const_cast<char*>(VMCSIM_CLI)};
      for (const auto& a : args)
        argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(VMCSIM_CLI, argv.data());
      ::_exit(127);
    }
  }
  ~Background() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  // Waits (up to a minute) until stderr matches `pattern`.
  bool wait_for(const std::regex& pattern) {
    for (int i = 0; i < 600; ++i) {
      if (fs::exists(err_) && std::regex_search(read_text(err_), pattern)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
  void signal(int sig) { ::kill(pid_, sig); }
  int wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    reaped_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  fs::path err_;
  pid_t pid_ = -1;
  bool reaped_ = false;
};

}  // namespace

TEST_CASE("vmcsim run --progress prints one plain line per variant and replication") {
  ScratchDir dir{"progress"};
  const std::string run = "run '" + small_scenario.string() + "' --jobs 2 --out '" +
                          (dir.path() / "out").string() + "'";
  const auto plain = run_vmcsim(run, dir.path());
  const auto r = run_vmcsim(run + " --progress", dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == plain.out);  // stdout stays exactly the comparison
  for (const char* variant : {"vm", "container"})
    for (const char* replication : {"0", "1"}) {
      const std::regex line{std::string{"run [1-4]/4: variant '"} + variant + "', replication " +
                            replication + ": [0-9]+ events, 3m simulated\n"};
      CHECK(count(r.err, line) == 1);
    }
  CHECK(r.err.find('\r') == std::string::npos);  // no bar in a log
}

TEST_CASE("the scheduler benchmark reports progress per variant") {
  ScratchDir dir{"progress-pods"};
  // The shipped benchmark on its first 300 pods, to keep the test short (a line per variant is
  // all it checks; under the sanitizers 3,000 pods took 75 s).
  std::string text = read_text(fs::path{VMCSIM_SOURCE_DIR_FOR_TESTS} / "scenarios" /
                               "scheduler-benchmark-alibaba.yaml");
  const std::string patience = "    patience: 1h\n";
  REQUIRE(text.find(patience) != std::string::npos);
  text.insert(text.find(patience) + patience.size(), "    max_pods: 300\n");
  const fs::path scenario = dir.path() / "benchmark.yaml";
  std::ofstream{scenario} << text;
  const auto r = run_vmcsim(
      "run '" + scenario.string() + "' --progress --out '" + (dir.path() / "out").string() + "'",
      dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // One line per replayed variant and replication, through the same runner as a cluster run.
  CHECK(count(r.err, std::regex{"run [0-9]+/[0-9]+: variant '[^']+', replication [0-9]+: "
                                "[1-9][0-9]* events"}) >= 2);
}

TEST_CASE("on a terminal the progress bar moves within a run and ends its line") {
  if (std::system("command -v script >/dev/null 2>&1") != 0) {
    WARN("util-linux `script` is missing: no pseudo-terminal to test the bar on");
    return;
  }
  ScratchDir dir{"bar"};
  // The bar draws nothing in a run's first second, so the default scenario is stretched from
  // 30 min to 4 h simulated: each of its 4 runs then lasts well over a second on an idle
  // machine too (30 min took a quarter of a second each there, and no bar was drawn). Under
  // the sanitizers (the CLI is built with the same flags as this test) a run is several times as
  // slow, so 1 h is enough there: about 3 s a run, 12 s for the test, against 58 s with 4 h.
  const std::string stretched =
      vmcsim::test::kUnderSanitizers ? "\nduration: 1h\n" : "\nduration: 4h\n";
  std::string text_in = read_text(fs::path{VMCSIM_SOURCE_DIR_FOR_TESTS} / "scenarios" /
                                  "default.yaml");
  const std::string duration = "\nduration: 30m\n";
  REQUIRE(text_in.find(duration) != std::string::npos);
  text_in.replace(text_in.find(duration), duration.size(), stretched);
  const fs::path scenario = dir.path() / "default-4h.yaml";
  std::ofstream{scenario} << text_in;
  // `script` gives vmcsim a terminal.
  const std::string command = "cd '" + std::string{VMCSIM_SOURCE_DIR_FOR_TESTS} +
                              "' && VMCSIM_DATA='" + vmcsim::test::data_dir() + "' '" + VMCSIM_CLI +
                              "' run '" + scenario.string() + "' --replications 1 --jobs 1 --out '" +
                              (dir.path() / "out").string() + "' >/dev/null";
  const fs::path typescript = dir.path() / "typescript";
  REQUIRE(std::system(("script -qec \"" + command + "\" '" + typescript.string() + "' >/dev/null")
                          .c_str()) == 0);
  const std::string text = read_text(typescript);
  INFO(text);
  // The bar moved within a run: two draws with the same number of runs done (not all) show
  // different percentages.
  std::map<std::string, std::set<std::string>> percents_by_done;
  const std::regex draw{"\r\\[[# ]{30}\\] +([0-9]+)%  ([0-3])/4 runs"};
  for (auto it = std::sregex_iterator(text.begin(), text.end(), draw); it != std::sregex_iterator();
       ++it)
    percents_by_done[(*it)[2]].insert((*it)[1]);
  bool moved_within_a_run = false;
  for (const auto& [done, percents] : percents_by_done)
    moved_within_a_run = moved_within_a_run || percents.size() > 1;
  CHECK(moved_within_a_run);
  // The last draw ends its line: the next message starts on its own.
  CHECK(std::regex_search(text, std::regex{"4/4 runs\r?\nResults in "}));
}

TEST_CASE("Ctrl-C stops a sweep, writes the whole replications it finished and exits 130") {
  ScratchDir dir{"sigint"};
  const fs::path out = dir.path() / "out";
  Background sweep{{"sweep", small_scenario.string(), "--replications", "200", "--jobs", "2",
                    "--progress", "--out", out.string()},
                   dir.path() / "stderr.txt"};
  // A sweep of 2 points x 2 variants: 4 runs make one whole replication.
  REQUIRE(sweep.wait_for(std::regex{"run 6/800: "}));
  sweep.signal(SIGINT);
  CHECK(sweep.wait() == 130);
  const std::string err = read_text(dir.path() / "stderr.txt");
  INFO(err);
  std::smatch m;
  REQUIRE(std::regex_search(err, m, std::regex{"interrupted: ([0-9]+) of 800 runs written\n"}));
  const int written = std::stoi(m[1]);
  CHECK(written >= 4);
  CHECK(written % 4 == 0);
  CHECK(written < 800);
  const auto j = nlohmann::json::parse(read_text(out / "results.json"));
  CHECK(j["partial"] == true);
  CHECK(j["replications_planned"] == 200);
  CHECK(j["replications"] == written / 4);
  REQUIRE(j["sweep_points"].size() == 2);
  for (const auto& v : j["variants"])  // summarised over the replications written
    CHECK(v["cost_usd"]["n"] == written / 4);
  CHECK(fs::file_size(out / "report.html") > 0);
}

TEST_CASE("Ctrl-C before a whole replication has finished writes nothing and exits 130") {
  ScratchDir dir{"sigint-early"};
  const fs::path out = dir.path() / "out";
  Background run{{"run", "scenarios/default.yaml", "--replications", "2", "--jobs", "1",
                  "--progress", "--out", out.string()},
                 dir.path() / "stderr.txt"};
  // Sent during the first of the 4 runs of replication 0 (each lasts over a second).
  REQUIRE(run.wait_for(std::regex{"starting 8 runs\n"}));
  run.signal(SIGINT);
  CHECK(run.wait() == 130);
  const std::string err = read_text(dir.path() / "stderr.txt");
  INFO(err);
  CHECK(err.find("interrupted: 0 of 8 runs written\n") != std::string::npos);
  CHECK(!fs::exists(out / "results.json"));
}

TEST_CASE("Ctrl-C stops the scheduler benchmark, writes its whole replications and exits 130") {
  ScratchDir dir{"sigint-pods"};
  // The shipped benchmark (20 variants) on its first 300 pods, many replications.
  std::string text = read_text(fs::path{VMCSIM_SOURCE_DIR_FOR_TESTS} / "scenarios" /
                               "scheduler-benchmark-alibaba.yaml");
  const std::string patience = "    patience: 1h\n";
  REQUIRE(text.find(patience) != std::string::npos);
  text.insert(text.find(patience) + patience.size(), "    max_pods: 300\n");
  const fs::path scenario = dir.path() / "benchmark.yaml";
  std::ofstream{scenario} << text;
  const fs::path out = dir.path() / "out";
  Background run{{"run", scenario.string(), "--replications", "100", "--jobs", "1", "--progress",
                  "--out", out.string()},
                 dir.path() / "stderr.txt"};
  REQUIRE(run.wait_for(std::regex{"run 22/2000: "}));
  run.signal(SIGINT);
  CHECK(run.wait() == 130);
  const std::string err = read_text(dir.path() / "stderr.txt");
  INFO(err);
  std::smatch m;
  REQUIRE(std::regex_search(err, m, std::regex{"interrupted: ([0-9]+) of 2000 runs written\n"}));
  const int written = std::stoi(m[1]);
  CHECK(written >= 20);
  CHECK(written % 20 == 0);
  CHECK(written < 2000);
  const auto j = nlohmann::json::parse(read_text(out / "results.json"));
  CHECK(j["partial"] == true);
  CHECK(j["replications_planned"] == 100);
  CHECK(j["replications"] == written / 20);
}
