#include "app/importers/google_2011.hpp"

#include "app/importers/human_units.hpp"

#include <array>
#include <limits>
#include <set>

#include <fmt/format.h>

namespace vmcsim::app::importers {

namespace {

const std::vector<std::string> kTaskColumns{"time",
                                            "missing info",
                                            "job id",
                                            "task index",
                                            "machine id",
                                            "event type",
                                            "user",
                                            "scheduling class",
                                            "priority",
                                            "cpu request",
                                            "memory request",
                                            "disk request",
                                            "different-machine constraint"};
const std::vector<std::string> kMachineColumns{"time",        "machine id", "event type",
                                               "platform id", "cpu",        "memory"};

const std::vector<std::string> kUsageColumns{"start time",
                                             "end time",
                                             "job id",
                                             "task index",
                                             "machine id",
                                             "mean cpu usage rate",
                                             "canonical memory usage",
                                             "assigned memory usage",
                                             "unmapped page cache",
                                             "total page cache",
                                             "maximum memory usage",
                                             "mean disk i/o time",
                                             "mean local disk space used",
                                             "maximum cpu usage",
                                             "maximum disk i/o time",
                                             "cycles per instruction",
                                             "memory accesses per instruction",
                                             "sample portion",
                                             "aggregation type",
                                             "sampled cpu usage"};

// The trace writes 2^63-1 for events after its window ("never" in the schema): Time::max().
sim::Time microseconds(const CsvReader& r, std::size_t i) {
  if (r.text(i) == std::to_string(std::numeric_limits<std::int64_t>::max()))
    return sim::Time::max();
  return r.time_count(i, sim::Time::from_us(1));
}

int ranged(const CsvReader& r, std::size_t i, int lo, int hi) {
  return static_cast<int>(r.integer(i, lo, hi));
}

std::optional<double> fraction(const CsvReader& r, std::size_t i) {
  auto v = r.optional_real(i);
  if (v && *v < 0) throw r.error_at(i, "negative normalised value");
  return v;
}

}  // namespace

ImportReport read_google_task_events(const std::string& path, const ImportOptions& options,
                                     const std::function<void(const GoogleTaskEvent&)>& event) {
  return for_each_headerless_row(
      path, kTaskColumns, options,
      [&](const CsvReader& r, const auto&) {
        GoogleTaskEvent e;
        e.time = microseconds(r, 0);
        e.job_id = r.integer(2);
        e.task_index = r.integer(3);
        e.machine_id = r.optional_integer(4);
        e.type = static_cast<GoogleTaskEventType>(ranged(r, 5, 0, 8));
        e.user = r.string(6);
        e.scheduling_class = ranged(r, 7, 0, 3);
        e.priority = ranged(r, 8, 0, 11);
        e.cpu_request = fraction(r, 9);
        e.memory_request = fraction(r, 10);
        e.disk_request = fraction(r, 11);
        e.different_machine = !r.empty(12) && ranged(r, 12, 0, 1) == 1;
        event(e);
      },
      true);
}

ImportReport read_google_machine_events(
    const std::string& path, const ImportOptions& options,
    const std::function<void(const GoogleMachineEvent&)>& event) {
  return for_each_headerless_row(
      path, kMachineColumns, options,
      [&](const CsvReader& r, const auto&) {
        GoogleMachineEvent e;
        e.time = microseconds(r, 0);
        e.machine_id = r.integer(1);
        e.type = static_cast<GoogleMachineEventType>(ranged(r, 2, 0, 2));
        e.platform_id = r.string(3);
        e.cpu = fraction(r, 4);
        e.memory = fraction(r, 5);
        event(e);
      },
      true);
}

GoogleTaskUsageTable load_google_task_usage(const std::string& path,
                                            const ImportOptions& options) {
  GoogleTaskUsageTable out;
  out.report = for_each_headerless_row(
      path, kUsageColumns, options,
      [&](const CsvReader& r, const auto&) {
        GoogleTaskUsage u;
        u.start = microseconds(r, 0);
        u.end = microseconds(r, 1);
        if (u.end < u.start) throw r.error_at(1, "the period ends before it starts");
        u.job_id = r.integer(2);
        u.task_index = r.integer(3);
        u.machine_id = r.optional_integer(4);
        u.cpu_rate = fraction(r, 5);
        u.canonical_memory = fraction(r, 6);
        u.max_memory = fraction(r, 10);
        u.max_cpu_rate = fraction(r, 13);
        u.sampled_cpu_rate = fraction(r, 19);
        out.rows.push_back(u);
      },
      true);
  return out;
}

std::string summarize(const GoogleTaskUsageTable& usage) {
  std::set<std::pair<std::int64_t, std::int64_t>> tasks;
  std::set<std::int64_t> jobs;
  std::set<std::int64_t> machines;
  sim::Time first = sim::Time::max();
  sim::Time last;
  double cpu = 0.0;
  double memory = 0.0;
  double peak_cpu = 0.0;
  for (const auto& u : usage.rows) {
    tasks.emplace(u.job_id, u.task_index);
    jobs.insert(u.job_id);
    if (u.machine_id) machines.insert(*u.machine_id);
    first = std::min(first, u.start);
    if (u.end != sim::Time::max()) last = std::max(last, u.end);
    cpu += u.cpu_rate.value_or(0.0);
    memory += u.canonical_memory.value_or(0.0);
    peak_cpu = std::max(peak_cpu, u.max_cpu_rate.value_or(0.0));
  }
  const double n = usage.rows.empty() ? 1.0 : static_cast<double>(usage.rows.size());
  return fmt::format(
             "Google 2011 task usage: {} measurements of {} tasks in {} jobs on {} machines, "
             "{} to {}\n"
             "  per measurement (normalised: 1.0 = the largest machine): mean CPU rate {:.3f}, "
             "mean canonical memory {:.3f}, highest maximum CPU rate {:.3f}\n",
             usage.rows.size(), tasks.size(), jobs.size(), machines.size(),
             usage.rows.empty() ? std::string{"-"} : human_duration(first),
             human_duration(last), cpu / n, memory / n, peak_cpu) +
         describe_skips(usage.report);
}

GoogleTaskEvents load_google_task_events(const std::string& path, const ImportOptions& options) {
  GoogleTaskEvents out;
  out.report = read_google_task_events(path, options,
                                       [&](const GoogleTaskEvent& e) { out.events.push_back(e); });
  return out;
}

GoogleMachineEvents load_google_machine_events(const std::string& path,
                                               const ImportOptions& options) {
  GoogleMachineEvents out;
  out.report = read_google_machine_events(
      path, options, [&](const GoogleMachineEvent& e) { out.events.push_back(e); });
  return out;
}

std::string summarize(const GoogleTaskEvents& events) {
  static constexpr std::array<const char*, 9> kNames{"submit", "schedule",       "evict",
                                                     "fail",   "finish",         "kill",
                                                     "lost",   "update_pending", "update_running"};
  std::array<std::size_t, 9> by_type{};
  std::set<std::pair<std::int64_t, std::int64_t>> tasks;
  std::set<std::int64_t> jobs;
  sim::Time last;
  for (const auto& e : events.events) {
    ++by_type[static_cast<std::size_t>(e.type)];
    tasks.emplace(e.job_id, e.task_index);
    jobs.insert(e.job_id);
    if (e.time != sim::Time::max()) last = std::max(last, e.time);
  }
  std::string out = fmt::format("Google 2011 task events: {} events, {} jobs, {} tasks, span {}\n ",
                                events.events.size(), jobs.size(), tasks.size(), human_duration(last));
  for (std::size_t t = 0; t < kNames.size(); ++t)
    if (by_type[t] > 0) out += fmt::format(" {} {}", kNames[t], by_type[t]);
  return out + "\n" + describe_skips(events.report);
}

std::string summarize(const GoogleMachineEvents& events) {
  std::array<std::size_t, 3> by_type{};
  std::set<std::int64_t> machines;
  for (const auto& e : events.events) {
    ++by_type[static_cast<std::size_t>(e.type)];
    machines.insert(e.machine_id);
  }
  return fmt::format(
             "Google 2011 machine events: {} events, {} machines\n  add {} remove {} update {}\n",
             events.events.size(), machines.size(), by_type[0], by_type[1], by_type[2]) +
         describe_skips(events.report);
}

}  // namespace vmcsim::app::importers
