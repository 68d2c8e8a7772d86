#include "app/report/write_all.hpp"

#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filtering_stream.hpp>

#include "app/diagnostic.hpp"
#include "app/report/csv_writers.hpp"
#include "app/report/html_report.hpp"

namespace vmcsim::app::report {
namespace {

namespace fs = std::filesystem;

// Less free space than this is a full disk: a results folder of a small run takes about this.
constexpr std::uintmax_t kMinimumFreeBytes = 1 << 20;

InputError write_error(const fs::path& path, const std::string& what) {
  return InputError({path.string(), 0, 0}, "", what);
}

std::string errno_text() {
  return errno != 0 ? std::string{std::strerror(errno)} : std::string{"I/O error"};
}

// A name beside `name` in the same folder (so the rename stays on one file system), hidden,
// and unique to this process.
fs::path temporary_for(const fs::path& folder, const std::string& name) {
  return folder / fmt::format(".{}.tmp-{}", name, ::getpid());
}

void write_one(const fs::path& path, const fs::path& shown,
               const std::function<void(std::ostream&)>& body) {
  errno = 0;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw write_error(shown, "cannot create the file: " + errno_text());
  body(out);
  out.flush();
  if (out) out.close();
  if (!out) throw write_error(shown, "cannot write the file: " + errno_text());
}

// Removes the temporary files it holds unless dismissed (all of them renamed into place).
class Temporaries {
 public:
  ~Temporaries() {
    std::error_code ec;
    for (const auto& p : paths_)
      fs::remove(p, ec);
  }
  void add(fs::path p) { paths_.push_back(std::move(p)); }
  void dismiss() { paths_.clear(); }

 private:
  std::vector<fs::path> paths_;
};

// Writes what `body` writes through a gzip compressor into out. The gzip header carries no
// file name and a zero modification time, so the same rows give the same bytes.
void write_gzip(std::ostream& out, const std::function<void(std::ostream&)>& body) {
  namespace io = boost::iostreams;
  io::filtering_ostream z;
  z.push(io::gzip_compressor(io::gzip_params(io::gzip::default_compression)));
  z.push(out);
  body(z);
  z.reset();  // flushes the compressor and writes the gzip trailer
}

}  // namespace

const std::vector<std::string>& known_output_files() {
  static const std::vector<std::string> names{
      "results.json", "timings.json", "instances.csv", "timeseries.csv",  "trace.json",
      "report.html",  "sweep.csv",    "placement.txt", "instances.csv.gz"};
  return names;
}

void check_output_folder(const fs::path& folder) {
  std::error_code ec;
  if (fs::exists(folder, ec) && !fs::is_directory(folder, ec))
    throw write_error(folder, "the output folder is a file, not a folder");
  fs::create_directories(folder, ec);
  if (ec) throw write_error(folder, "cannot create the output folder: " + ec.message());
  // Writing is the only reliable test of permissions (root, ACLs, read-only mounts).
  const fs::path probe = temporary_for(folder, "write-check");
  errno = 0;
  std::ofstream out(probe, std::ios::binary | std::ios::trunc);
  if (out) out << std::string(4096, '\n') << std::flush;
  if (out) out.close();
  const bool written = static_cast<bool>(out);
  const std::string why = errno_text();
  fs::remove(probe, ec);
  if (!written) throw write_error(folder, "cannot write in the output folder: " + why);
  struct statvfs disk {};
  if (::statvfs(folder.c_str(), &disk) == 0) {
    const std::uintmax_t free = static_cast<std::uintmax_t>(disk.f_bavail) * disk.f_frsize;
    if (free < kMinimumFreeBytes)
      throw write_error(folder,
                        fmt::format("the disk of the output folder is full ({} bytes free)", free));
  }
}

void write_files(const fs::path& folder, const std::vector<OutputFile>& files) {
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) throw write_error(folder, "cannot create the output folder: " + ec.message());
  Temporaries temporaries;
  for (const auto& f : files) {
    const fs::path temporary = temporary_for(folder, f.name);
    temporaries.add(temporary);
    write_one(temporary, folder / f.name, f.write);
  }
  // Everything is written: the earlier run's files this run does not replace go first, then
  // the new files take their places, results.json (first in the list) last.
  for (const auto& name : known_output_files()) {
    const bool written = std::any_of(files.begin(), files.end(),
                                     [&](const OutputFile& f) { return f.name == name; });
    if (!written) fs::remove(folder / name, ec);
  }
  for (auto f = files.rbegin(); f != files.rend(); ++f) {
    fs::rename(temporary_for(folder, f->name), folder / f->name, ec);
    if (ec) throw write_error(folder / f->name, "cannot replace the file: " + ec.message());
  }
  temporaries.dismiss();
}

std::string instances_file_name(const RunResults& results, const WriteOptions& options) {
  const bool gzip = options.gzip_instances.value_or(instance_count(results) > kGzipInstancesAbove);
  return gzip ? "instances.csv.gz" : "instances.csv";
}

std::string format_of_file(const std::string& file) {
  if (file == "results.json" || file == "timings.json") return "json";
  if (file == "instances.csv" || file == "instances.csv.gz" || file == "timeseries.csv")
    return "csv";
  if (file == "trace.json") return "trace";
  if (file == "report.html") return "html";
  return "";
}

std::vector<std::string> write_all(const RunResults& r, const fs::path& folder,
                                   const WriteOptions& options) {
  const std::string instances = instances_file_name(r, options);
  std::vector<OutputFile> files{
      {"results.json", [&](std::ostream& o) { write_results_json(r, o); }},
      {"timings.json", [&](std::ostream& o) { write_timings_json(r, o); }},
      {instances,
       [&](std::ostream& o) {
         if (instances.ends_with(".gz"))
           write_gzip(o, [&](std::ostream& z) { write_instances_csv(r, z); });
         else
           write_instances_csv(r, o);
       }},
      {"timeseries.csv", [&](std::ostream& o) { write_timeseries_csv(r, o); }},
      {"trace.json", [&](std::ostream& o) { write_trace_json(r, o, options.trace); }},
      {"report.html", [&](std::ostream& o) { write_html_report(r, o); }}};
  if (!r.placement_table.empty())
    files.push_back({"placement.txt", [&](std::ostream& o) { o << r.placement_table; }});
  files.insert(files.end(), options.extra.begin(), options.extra.end());
  // Only what output.formats lists; the earlier run's files of the others go (write_files).
  const auto& wanted = options.formats;
  std::erase_if(files, [&](const OutputFile& f) {
    const std::string format = format_of_file(f.name);
    return !wanted.empty() && !format.empty() &&
           std::find(wanted.begin(), wanted.end(), format) == wanted.end();
  });
  write_files(folder, files);
  std::vector<std::string> names;
  for (const auto& f : files)
    names.push_back(f.name);
  return names;
}

}  // namespace vmcsim::app::report
