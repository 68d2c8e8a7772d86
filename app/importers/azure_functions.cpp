#include "app/importers/azure_functions.hpp"

#include <algorithm>
#include <charconv>
#include <map>

#include <fmt/format.h>

#include "sim/random.hpp"

namespace vmcsim::app::importers {

namespace {

// Columns whose header starts with `prefix` followed by a percentile number.
std::vector<std::pair<std::size_t, int>> percentile_columns(const CsvReader& r,
                                                            std::string_view prefix) {
  std::vector<std::pair<std::size_t, int>> out;
  for (std::size_t i = 0; i < r.size(); ++i) {
    const std::string& name = r.column_name(i);
    if (!name.starts_with(prefix)) continue;
    int p = -1;
    const char* begin = name.data() + prefix.size();
    const auto [end, ec] = std::from_chars(begin, name.data() + name.size(), p);
    if (ec != std::errc{} || end != name.data() + name.size() || p < 0 || p > 100)
      throw InputError({r.path(), r.line_number(), 0}, name,
                       fmt::format("column '{}' is not {}<percentile 0..100>", name, prefix));
    out.emplace_back(i, p);
  }
  return out;
}

std::int64_t count(const CsvReader& r, std::size_t i) {
  const auto v = r.whole_number(i);
  if (v < 0) throw r.error_at(i, "negative count");
  return v;
}

AzureFunctionId read_id(const CsvReader& r, const std::vector<std::size_t>& c, bool function) {
  AzureFunctionId id{r.string(c[0]), r.string(c[1]), function ? r.string(c[2]) : std::string{}};
  for (std::size_t k = 0; k < (function ? 3u : 2u); ++k)
    if (r.empty(c[k])) throw r.error_at(c[k], "empty hash");
  return id;
}

template <class Sink>
void read_invocations(const std::string& path, const ImportOptions& options,
                      AzureFunctionsTrace& trace, Sink&& sink) {
  std::vector<std::size_t> minutes;
  const auto header = [&](const CsvReader& r, const std::vector<std::size_t>& c) {
    // Minute columns: "1".."N", consecutive after Trigger.
    for (std::size_t i = c[3] + 1; i < r.size(); ++i) {
      if (r.column_name(i) != std::to_string(minutes.size() + 1))
        throw InputError({path, 1, 0}, r.column_name(i),
                         fmt::format("expected minute column '{}', found '{}'", minutes.size() + 1,
                                     r.column_name(i)));
      minutes.push_back(i);
    }
    if (minutes.empty())
      throw InputError({path, 1, 0}, "1", "no minute columns 1..N after Trigger");
  };
  trace.invocations = for_each_row(
      path, {"HashOwner", "HashApp", "HashFunction", "Trigger"}, options,
      [&](const CsvReader& r, const auto& c) {
        AzureFunction f;
        f.id = read_id(r, c, true);
        f.trigger = r.string(c[3]);
        f.per_minute.reserve(minutes.size());
        for (auto i : minutes) {
          const auto n = r.integer(i, 0, 0xFFFFFFFFLL);
          f.per_minute.push_back(static_cast<std::uint32_t>(n));
          f.total_invocations += n;
        }
        sink(std::move(f));
      },
      header);
}

void read_invocations(const std::string& path, const ImportOptions& options,
                      AzureFunctionsTrace& trace) {
  read_invocations(path, options, trace,
                   [&](AzureFunction&& f) { trace.functions.push_back(std::move(f)); });
}

// Companion files joined onto trace.functions (durations per function, memory per function or
// per application).
void join_companions(AzureFunctionsTrace& trace, const std::string& durations_path,
                     const std::string& memory_path, const ImportOptions& options);

}  // namespace

AzureFunctionsTrace load_azure_functions(const std::string& invocations_path,
                                         const std::string& durations_path,
                                         const std::string& memory_path,
                                         const ImportOptions& options) {
  AzureFunctionsTrace trace;
  read_invocations(invocations_path, options, trace);
  join_companions(trace, durations_path, memory_path, options);
  return trace;
}

AzureFunctionsTrace load_azure_functions_sample(const std::string& invocations_path,
                                                const std::string& durations_path,
                                                const std::string& memory_path,
                                                std::size_t sample, std::uint64_t seed,
                                                const ImportOptions& options) {
  AzureFunctionsTrace trace;
  if (sample == 0) {
    read_invocations(invocations_path, options, trace);
  } else {
    // Reservoir sampling (Vitter's algorithm R), each kept row with its position in the file.
    sim::RandomStream stream{seed, 0, "functions/sample"};
    std::vector<std::pair<std::uint64_t, AzureFunction>> kept;
    std::uint64_t seen = 0;
    read_invocations(invocations_path, options, trace, [&](AzureFunction&& f) {
      const std::uint64_t k = seen++;
      if (kept.size() < sample) {
        kept.emplace_back(k, std::move(f));
        return;
      }
      const std::uint64_t j = stream.below(seen);
      if (j < sample) kept[j] = {k, std::move(f)};
    });
    std::sort(kept.begin(), kept.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [k, f] : kept)
      trace.functions.push_back(std::move(f));
  }
  join_companions(trace, durations_path, memory_path, options);
  return trace;
}

namespace {

void join_companions(AzureFunctionsTrace& trace, const std::string& durations_path,
                     const std::string& memory_path, const ImportOptions& options) {
  std::map<AzureFunctionId, std::size_t> by_function;
  std::multimap<std::pair<std::string, std::string>, std::size_t> by_app;
  for (std::size_t k = 0; k < trace.functions.size(); ++k) {
    const auto& id = trace.functions[k].id;
    by_function.emplace(id, k);
    by_app.emplace(std::pair{id.owner, id.app}, k);
  }

  if (!durations_path.empty()) {
    std::vector<std::pair<std::size_t, int>> pct;
    trace.durations = for_each_row(
        durations_path,
        {"HashOwner", "HashApp", "HashFunction", "Average", "Count", "Minimum", "Maximum"}, options,
        [&](const CsvReader& r, const auto& c) {
          const auto id = read_id(r, c, true);
          AzureFunctionDurations d;
          d.average = r.time(c[3], "ms");
          d.count = count(r, c[4]);
          d.minimum = r.time(c[5], "ms");
          d.maximum = r.time(c[6], "ms");
          if (d.maximum < d.minimum) throw r.error_at(c[6], "Maximum below Minimum");
          for (auto [i, p] : pct)
            d.percentiles.push_back({p, r.time(i, "ms")});
          const auto it = by_function.find(id);
          if (it == by_function.end())
            ++trace.unmatched_durations;
          else
            trace.functions[it->second].durations = std::move(d);
        },
        [&](const CsvReader& r, const auto&) {
          pct = percentile_columns(r, "percentile_Average_");
        });
  }

  if (!memory_path.empty()) {
    std::vector<std::pair<std::size_t, int>> pct;
    std::optional<std::size_t> function_column;
    trace.memory = for_each_row(
        memory_path, {"HashOwner", "HashApp", "SampleCount", "AverageAllocatedMb"}, options,
        [&](const CsvReader& r, const auto& c) {
          AzureFunctionMemory m;
          m.sample_count = count(r, c[2]);
          m.average = r.bytes(c[3], "MiB");
          for (auto [i, p] : pct)
            m.percentiles.push_back({p, r.bytes(i, "MiB")});
          if (function_column) {
            const auto id = read_id(r, {c[0], c[1], *function_column}, true);
            const auto it = by_function.find(id);
            if (it == by_function.end())
              ++trace.unmatched_memory;
            else
              trace.functions[it->second].memory = std::move(m);
          } else {
            const auto id = read_id(r, c, false);
            auto [first, last] = by_app.equal_range({id.owner, id.app});
            if (first == last) ++trace.unmatched_memory;
            for (; first != last; ++first)
              trace.functions[first->second].memory = m;
          }
        },
        [&](const CsvReader& r, const auto&) {
          for (std::size_t i = 0; i < r.size(); ++i)
            if (r.column_name(i) == "HashFunction") function_column = i;
          pct = percentile_columns(r, "AverageAllocatedMb_pct");
        });
  }
}

}  // namespace

std::string summarize(const AzureFunctionsTrace& trace) {
  std::int64_t total = 0;
  std::size_t minutes = 0;
  std::size_t with_durations = 0;
  std::size_t with_memory = 0;
  std::map<std::string, std::size_t> triggers;
  for (const auto& f : trace.functions) {
    total = sim::saturating_add(total, f.total_invocations);
    minutes = std::max(minutes, f.per_minute.size());
    with_durations += f.durations.has_value();
    with_memory += f.memory.has_value();
    ++triggers[f.trigger];
  }
  std::string out = fmt::format(
      "Azure Functions 2019: {} functions, {} invocations over {} minutes\n"
      "  with durations {}, with memory {}; unmatched companion rows: durations {}, memory {}\n"
      "  triggers:",
      trace.functions.size(), total, minutes, with_durations, with_memory,
      trace.unmatched_durations, trace.unmatched_memory);
  for (const auto& [t, n] : triggers)
    out += fmt::format(" {} {}", t, n);
  return out + "\n" + describe_skips(trace.invocations) + describe_skips(trace.durations) +
         describe_skips(trace.memory);
}

}  // namespace vmcsim::app::importers
