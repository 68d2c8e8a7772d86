#include "app/report/write_all.hpp"

#include <fstream>
#include <functional>
#include <stdexcept>

#include <fmt/format.h>

#include "app/report/csv_writers.hpp"
#include "app/report/html_report.hpp"

namespace vmcsim::app::report {
namespace {

void write_file(const std::filesystem::path& path, const std::function<void(std::ostream&)>& body) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(fmt::format("cannot open {} for writing", path.string()));
  body(out);
  out.flush();
  if (!out) throw std::runtime_error(fmt::format("error while writing {}", path.string()));
}

}  // namespace

void write_all(const RunResults& r, const std::filesystem::path& folder,
               const WriteOptions& options) {
  std::filesystem::create_directories(folder);
  write_file(folder / "results.json", [&](std::ostream& o) { write_results_json(r, o); });
  write_file(folder / "timings.json", [&](std::ostream& o) { write_timings_json(r, o); });
  write_file(folder / "instances.csv", [&](std::ostream& o) { write_instances_csv(r, o); });
  write_file(folder / "timeseries.csv", [&](std::ostream& o) { write_timeseries_csv(r, o); });
  write_file(folder / "trace.json",
             [&](std::ostream& o) { write_trace_json(r, o, options.trace); });
  write_file(folder / "report.html", [&](std::ostream& o) { write_html_report(r, o); });
  if (!r.placement_table.empty())
    write_file(folder / "placement.txt", [&](std::ostream& o) { o << r.placement_table; });
}

}  // namespace vmcsim::app::report
