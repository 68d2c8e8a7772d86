#pragma once
// CsvReader: the streaming line reader every trace importer is built on.
//
// Reads one line at a time (plain files, or gzip when the path ends in ".gz", through
// Boost.Iostreams), splits it on commas and parses fields into strong types. Every error is an
// InputError naming the file, the 1-based line, the column where the bad field starts and the
// field's name, so a user can open the file at the spot. Fields are split on plain commas: the
// trace formats read here (Alibaba, Google, Azure, vmcsim's replay CSV) never quote fields.
// Blank lines are skipped; "\r\n" line ends are accepted.
//
// for_each_record() drives a reader with ImportOptions: by default the first bad line throws;
// with skip_bad_lines the bad line is counted, its message kept (the first few), and reading
// goes on. Nothing is ever skipped silently: the ImportReport says how many.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/diagnostic.hpp"
#include "sim/time.hpp"
#include "sim/units.hpp"

namespace vmcsim::app::importers {

struct ImportOptions {
  bool skip_bad_lines = false;          // count and report bad lines instead of throwing
  std::size_t max_reported_errors = 5;  // how many skipped lines keep their message
};

struct ImportReport {
  std::size_t records = 0;                // lines (or objects) imported
  std::size_t skipped = 0;                // bad lines skipped (only with skip_bad_lines)
  std::vector<std::string> first_errors;  // what() of the first max_reported_errors skips
};

class CsvReader {
 public:
  // Opens path; throws InputError naming the path when it cannot be read.
  explicit CsvReader(std::string path);
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Advances to the next non-blank line. False at the end of the file.
  bool next();

  const std::string& path() const { return path_; }
  int line_number() const { return line_number_; }
  std::string_view line() const { return line_; }
  std::size_t size() const { return fields_.size(); }

  // Names columns for error messages (from a header row or the format's documented schema).
  void set_columns(std::vector<std::string> names) { columns_ = std::move(names); }
  // Treats the current line as a header: requires each of `required` to appear, returns their
  // indices in the order asked, and names the columns after the header. Extra columns are fine.
  std::vector<std::size_t> require_header(const std::vector<std::string>& required);
  // Throws unless the current line has exactly n fields (at least n when at_least).
  void expect_fields(std::size_t n, bool at_least = false) const;

  // An InputError at field i of the current line.
  InputError error_at(std::size_t i, const std::string& message) const;
  // An InputError about the whole current line.
  InputError error(const std::string& message) const;

  std::string_view text(std::size_t i) const;
  bool empty(std::size_t i) const { return text(i).empty(); }
  std::string string(std::size_t i) const { return std::string{text(i)}; }
  // Checked field reader: every number a trace importer turns into a quantity goes through one
  // of these, so a value that would overflow (a time of 9.3e9 s, 2^44 MiB, a core count beyond
  // int) is an InputError at its field, never a wrapped or saturated value.
  std::int64_t integer(std::size_t i) const;
  // An integer in lo..hi.
  std::int64_t integer(std::size_t i, std::int64_t lo, std::int64_t hi) const;
  // `part` (a piece of field i's text, e.g. a bucket without its '>') as an integer in lo..hi.
  std::int64_t integer_part(std::size_t i, std::string_view part, std::int64_t lo,
                            std::int64_t hi) const;
  // Integers written as reals ("57523.0") are accepted when the fraction is zero.
  std::int64_t whole_number(std::size_t i) const;
  // A non-negative integer count of `unit` (Time::from_s(1), Time::from_us(1)), at most
  // Time::max_input().
  sim::Time time_count(std::size_t i, sim::Time unit) const;
  // A whole number of seconds (time_count in seconds): the traces' timestamps.
  sim::Time seconds(std::size_t i) const { return time_count(i, sim::Time::from_s(1)); }
  // A non-negative integer count of `unit` (Bytes::mib(1)), at most Bytes::max_input().
  sim::Bytes bytes_count(std::size_t i, sim::Bytes unit) const;
  // A non-negative integer count of millicores, at most Millicores::max_input().
  sim::Millicores millicores(std::size_t i) const;
  double real(std::size_t i) const;
  std::optional<std::int64_t> optional_integer(std::size_t i) const;
  std::optional<double> optional_real(std::size_t i) const;
  // A duration: with a unit ("1.5s", "250ms") or, without one, a number of default_unit
  // ("s", "ms", "us"), read exactly.
  sim::Time time(std::size_t i, std::string_view default_unit) const;
  // A size: with a unit ("4MiB") or, without one, a number of default_unit ("B", "MiB", "GiB").
  sim::Bytes bytes(std::size_t i, std::string_view default_unit) const;

  const std::string& column_name(std::size_t i) const;

 private:
  std::string path_;
  struct Stream;
  std::unique_ptr<Stream> stream_;
  std::string line_;
  int line_number_ = 0;
  std::vector<std::string_view> fields_;
  std::vector<std::size_t> field_starts_;
  std::vector<std::string> columns_;
};

// Calls `record` for every remaining line of reader. An InputError thrown by `record` ends the
// import, or with options.skip_bad_lines is counted in the report and reading goes on.
ImportReport for_each_record(CsvReader& reader, const ImportOptions& options,
                             const std::function<void()>& record);

// What a row handler gets: the reader on the current line and the indices of the columns asked
// for (in the order asked; for headerless formats, 0..n-1).
using RowHandler = std::function<void(const CsvReader&, const std::vector<std::size_t>&)>;

// A file with a header row: opens path, requires the `required` columns in the header (an empty
// file or a missing column is an InputError), calls on_header once (to find further columns),
// then `row` for every data line, each of which must have as many fields as the header.
ImportReport for_each_row(const std::string& path, const std::vector<std::string>& required,
                          const ImportOptions& options, const RowHandler& row,
                          const RowHandler& on_header = {});

// A file without a header row: the columns are named from the format's schema and every line
// must have columns.size() fields. With hash_header, a first line starting with '#' is a header
// (not a record) and is stepped over.
ImportReport for_each_headerless_row(const std::string& path,
                                     const std::vector<std::string>& columns,
                                     const ImportOptions& options, const RowHandler& row,
                                     bool hash_header = false);

// Adds the "skipped N bad lines" part to a summary when there were any.
std::string describe_skips(const ImportReport& report);

}  // namespace vmcsim::app::importers
