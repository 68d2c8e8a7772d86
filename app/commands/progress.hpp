#pragma once
// What `vmcsim run`, `sweep` and the placement benchmark show on stderr while they work.
//
//   lines (--progress): one plain line per finished run (variant x replication [x sweep point])
//     with its events, simulated time and wall time, and a line every few seconds for a run
//     still going; for logs and CI. A run without a tenant's bursts, paired with the scenario's
//     for cross-tenant interference, says "interference baseline (without TENANT's bursts)".
//   bar (stderr is a terminal, not --quiet): one line redrawn in place, moving within runs (from
//     the simulated time each has reached), shown once the work has lasted a second.
//   none: nothing.
// finish() ends the bar's line, so whatever is printed next starts on its own line; call it
// before printing anything else (the destructor calls it too, for errors).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "app/runner/runner.hpp"
#include "sim/time.hpp"

namespace vmcsim::app {

class RunProgress {
 public:
  enum class Mode { none, lines, bar };
  // `bar` falls back to none when stderr is not a terminal.
  RunProgress(Mode mode, std::vector<std::string> variant_names);
  ~RunProgress() { finish(); }
  RunProgress(const RunProgress&) = delete;
  RunProgress& operator=(const RunProgress&) = delete;

  // A runner job's progress (RunOptions::progress; calls are serialised by the runner).
  void job(const runner::JobProgress& p);
  // The placement benchmark: variant `variant` of `variants` has replayed up to `now` of `end`.
  void replay(std::size_t variant, std::size_t variants, sim::Time now, sim::Time end,
              std::uint64_t events, bool finished);
  void finish();

 private:
  using Clock = std::chrono::steady_clock;
  void draw(double fraction, std::size_t done, std::size_t total, const char* unit);
  bool due(Clock::time_point& last, Clock::duration every);

  Mode mode_;
  std::vector<std::string> variants_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_draw_{};
  Clock::time_point last_line_ = Clock::now();
  bool drawn_ = false;
  bool started_ = false;  // the lines' first line, with the number of runs, is out
  // The running jobs' completed fractions, by (point, interference baseline, variant,
  // replication).
  std::map<std::tuple<std::size_t, std::string, std::size_t, std::uint64_t>, double> running_;
};

}  // namespace vmcsim::app
