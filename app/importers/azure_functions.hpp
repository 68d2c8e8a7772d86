#pragma once
// Importer for the Azure Functions trace 2019 (AzurePublicDataset, Shahrad et al., ATC 2020).
//
// Three files, each with a header row:
//   invocations: HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440
//                (invocations per minute of one day; any number of minute columns 1..N)
//   durations:   HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,
//                percentile_Average_0,...,percentile_Average_100      (milliseconds)
//   memory:      HashOwner,HashApp[,HashFunction],SampleCount,AverageAllocatedMb,
//                AverageAllocatedMb_pct1,...,AverageAllocatedMb_pct100   (MB, read as MiB)
// The real trace gives memory per application (no HashFunction column): then every function of
// the application gets its application's memory. With a HashFunction column (as in vHive's
// loader samples) it is matched per function.
// Percentile columns are found by their prefix, so any set of percentiles imports. Counts may be
// written as reals ("57523.0"). Companion rows that match no invoked function are counted
// (unmatched_*), not errors: the real companion files cover other days' functions too.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/importers/csv_reader.hpp"

namespace vmcsim::app::importers {

struct AzureFunctionId {
  std::string owner;
  std::string app;
  std::string function;
  friend auto operator<=>(const AzureFunctionId&, const AzureFunctionId&) = default;
};

struct DurationPercentile {
  int percentile = 0;  // 0..100
  sim::Time value;
};
struct MemoryPercentile {
  int percentile = 0;  // 0..100
  sim::Bytes value;
};

struct AzureFunctionDurations {
  sim::Time average;
  std::int64_t count = 0;
  sim::Time minimum;
  sim::Time maximum;
  std::vector<DurationPercentile> percentiles;  // in header order
};

struct AzureFunctionMemory {
  std::int64_t sample_count = 0;
  sim::Bytes average;
  std::vector<MemoryPercentile> percentiles;  // in header order
};

struct AzureFunction {
  AzureFunctionId id;
  std::string trigger;                    // http, queue, timer, event, ...
  std::vector<std::uint32_t> per_minute;  // invocations in minute 1, 2, ...
  std::int64_t total_invocations = 0;
  std::optional<AzureFunctionDurations> durations;
  std::optional<AzureFunctionMemory> memory;
};

struct AzureFunctionsTrace {
  std::vector<AzureFunction> functions;  // in invocation-file order
  ImportReport invocations;
  ImportReport durations;
  ImportReport memory;
  std::size_t unmatched_durations = 0;
  std::size_t unmatched_memory = 0;
};

// durations_path and memory_path may be empty (then those parts stay nullopt).
AzureFunctionsTrace load_azure_functions(const std::string& invocations_path,
                                         const std::string& durations_path,
                                         const std::string& memory_path,
                                         const ImportOptions& options = {});

std::string summarize(const AzureFunctionsTrace& trace);

// [fn] The same, streamed for a large trace: at most `sample` functions kept (0: all), drawn by
// reservoir sampling over the invocation rows with the stream "functions/sample" of `seed`
// (the same file and seed give the same functions), in invocation-file order; durations and
// memory are joined for the kept functions only. Memory stays O(sample) whatever the number
// of functions in the files (bench/functions_stream_bench measures it). Bad lines throw an
// InputError at FILE:LINE (or are counted with options.skip_bad_lines).
AzureFunctionsTrace load_azure_functions_sample(const std::string& invocations_path,
                                                const std::string& durations_path,
                                                const std::string& memory_path,
                                                std::size_t sample, std::uint64_t seed,
                                                const ImportOptions& options = {});

}  // namespace vmcsim::app::importers
