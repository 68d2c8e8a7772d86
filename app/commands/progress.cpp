#include "app/commands/progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <utility>

#include <fmt/format.h>

namespace vmcsim::app {
namespace {

constexpr auto kRedraw = std::chrono::milliseconds(100);
constexpr auto kRunningLine = std::chrono::seconds(5);

double fraction_of(sim::Time now, sim::Time end) {
  return end > sim::Time::zero() ? now.seconds() / end.seconds() : 1.0;
}

}  // namespace

RunProgress::RunProgress(Mode mode, std::vector<std::string> variant_names)
    : mode_(mode == Mode::bar && isatty(STDERR_FILENO) != 1 ? Mode::none : mode),
      variants_(std::move(variant_names)) {}

bool RunProgress::due(Clock::time_point& last, Clock::duration every) {
  const auto now = Clock::now();
  if (now - last < every) return false;
  last = now;
  return true;
}

void RunProgress::job(const runner::JobProgress& p) {
  const std::string& name = p.variant < variants_.size() ? variants_[p.variant] : "?";
  std::string point =
      p.points > 1 ? fmt::format("point {}/{}, ", p.point + 1, p.points) : std::string{};
  if (!p.interference_baseline.empty())  // [tenants] the no-burst run interference is paired with
    point += fmt::format("interference baseline (without {}'s bursts), ", p.interference_baseline);
  if (mode_ == Mode::lines) {
    if (!started_) fmt::print(stderr, "starting {} runs\n", p.jobs);
    started_ = true;
    if (p.finished)
      fmt::print(stderr, "run {}/{}: {}variant '{}', replication {}: {} events, {} simulated\n",
                 p.finished_jobs, p.jobs, point, name, p.replication, p.events, p.now);
    else if (due(last_line_, kRunningLine))
      fmt::print(stderr, "running: {}variant '{}', replication {}: {} of {} simulated, {} events\n",
                 point, name, p.replication, p.now, p.end, p.events);
    std::fflush(stderr);
    return;
  }
  if (mode_ != Mode::bar) return;
  const auto key = std::make_tuple(p.point, p.interference_baseline, p.variant, p.replication);
  if (p.finished)
    running_.erase(key);
  else
    running_[key] = fraction_of(p.now, p.end);
  double in_flight = 0;
  for (const auto& [k, f] : running_)
    in_flight += f;
  const double fraction =
      p.jobs ? (static_cast<double>(p.finished_jobs) + in_flight) / static_cast<double>(p.jobs)
             : 1.0;
  draw(fraction, p.finished_jobs, p.jobs, "runs");
}

void RunProgress::replay(std::size_t variant, std::size_t variants, sim::Time now, sim::Time end,
                         std::uint64_t events, bool finished) {
  const std::string& name = variant < variants_.size() ? variants_[variant] : "?";
  if (mode_ == Mode::lines) {
    if (finished)
      fmt::print(stderr, "variant {}/{} '{}': replayed {} events, {} simulated\n", variant + 1,
                 variants, name, events, now);
    else if (due(last_line_, kRunningLine))
      fmt::print(stderr, "running: variant {}/{} '{}': {} of {} simulated, {} events\n",
                 variant + 1, variants, name, now, end, events);
    std::fflush(stderr);
    return;
  }
  if (mode_ != Mode::bar) return;
  const std::size_t done = variant + (finished ? 1 : 0);
  const double fraction =
      (static_cast<double>(variant) + (finished ? 1.0 : fraction_of(now, end))) /
      static_cast<double>(variants ? variants : 1);
  draw(fraction, done, variants, "variants");
}

void RunProgress::draw(double fraction, std::size_t done, std::size_t total, const char* unit) {
  // Short work and logs stay clean: nothing in the first second, then at most every 100 ms.
  if (Clock::now() - start_ < std::chrono::seconds(1)) return;
  if (done < total && !due(last_draw_, kRedraw)) return;
  constexpr std::size_t width = 30;
  const auto filled =
      static_cast<std::size_t>(std::min(1.0, std::max(0.0, fraction)) * static_cast<double>(width));
  fmt::print(stderr, "\r[{}{}] {:3.0f}%  {}/{} {}", std::string(filled, '#'),
             std::string(width - filled, ' '), 100.0 * std::min(1.0, fraction), done, total, unit);
  std::fflush(stderr);
  drawn_ = true;
}

void RunProgress::finish() {
  if (!drawn_) return;
  std::fputs("\n", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace vmcsim::app
