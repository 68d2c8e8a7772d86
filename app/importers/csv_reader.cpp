#include "app/importers/csv_reader.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <limits>
#include <utility>

#include <fmt/format.h>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filtering_stream.hpp>

#include "sim/parse_error.hpp"

namespace vmcsim::app::importers {

namespace io = boost::iostreams;

struct CsvReader::Stream {
  std::ifstream file;
  io::filtering_istream in;
};

CsvReader::CsvReader(std::string path) : path_(std::move(path)), stream_(new Stream) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path_, ec))
    throw InputError({path_, 0, 0}, "", "cannot open '" + path_ + "': no such file");
  stream_->file.open(path_, std::ios::binary);
  if (!stream_->file) throw InputError({path_, 0, 0}, "", "cannot open '" + path_ + "'");
  if (path_.size() > 3 && path_.ends_with(".gz")) stream_->in.push(io::gzip_decompressor());
  stream_->in.push(stream_->file);
}

CsvReader::~CsvReader() = default;

bool CsvReader::next() {
  for (;;) {
    try {
      if (!std::getline(stream_->in, line_)) {
        // Boost.Iostreams reports a failing filter (bad gzip) as badbit, not as end of file.
        if (stream_->in.bad())
          throw InputError({path_, line_number_ + 1, 0}, "",
                           "cannot read: corrupt or truncated data (not valid gzip?)");
        return false;
      }
    } catch (const io::gzip_error& e) {
      throw InputError({path_, line_number_ + 1, 0}, "",
                       fmt::format("corrupt gzip data: {}", e.what()));
    }
    ++line_number_;
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    if (line_.empty()) continue;
    fields_.clear();
    field_starts_.clear();
    const std::string_view all{line_};
    std::size_t start = 0;
    for (;;) {
      const std::size_t comma = all.find(',', start);
      field_starts_.push_back(start);
      if (comma == std::string_view::npos) {
        fields_.push_back(all.substr(start));
        break;
      }
      fields_.push_back(all.substr(start, comma - start));
      start = comma + 1;
    }
    return true;
  }
}

std::vector<std::size_t> CsvReader::require_header(const std::vector<std::string>& required) {
  std::vector<std::string> names;
  for (auto f : fields_) {
    while (!f.empty() && (f.front() == ' ' || f.front() == '#'))
      f.remove_prefix(1);
    while (!f.empty() && f.back() == ' ')
      f.remove_suffix(1);
    names.emplace_back(f);
  }
  std::vector<std::size_t> indices;
  for (const auto& want : required) {
    std::size_t i = 0;
    while (i < names.size() && names[i] != want)
      ++i;
    if (i == names.size())
      throw InputError({path_, line_number_, 0}, want,
                       fmt::format("header lacks column '{}' (expected columns: {})", want,
                                   fmt::join(required, ",")));
    indices.push_back(i);
  }
  columns_ = std::move(names);
  return indices;
}

void CsvReader::expect_fields(std::size_t n, bool at_least) const {
  if (fields_.size() == n || (at_least && fields_.size() > n)) return;
  throw error(fmt::format("expected {}{} fields, found {}", at_least ? "at least " : "", n,
                          fields_.size()));
}

const std::string& CsvReader::column_name(std::size_t i) const {
  static const std::string unnamed;
  return i < columns_.size() ? columns_[i] : unnamed;
}

InputError CsvReader::error_at(std::size_t i, const std::string& message) const {
  const int column = i < field_starts_.size() ? static_cast<int>(field_starts_[i]) + 1 : 0;
  const std::string& name = column_name(i);
  const std::string label =
      name.empty() ? fmt::format("field {}", i + 1) : fmt::format("field {} ({})", i + 1, name);
  return InputError({path_, line_number_, column}, name.empty() ? label : name,
                    label + ": " + message);
}

InputError CsvReader::error(const std::string& message) const {
  return InputError({path_, line_number_, 0}, "", message);
}

std::string_view CsvReader::text(std::size_t i) const {
  if (i >= fields_.size())
    throw error(fmt::format("missing field {}{}", i + 1,
                            column_name(i).empty() ? "" : " (" + column_name(i) + ")"));
  return fields_[i];
}

std::int64_t CsvReader::integer(std::size_t i) const {
  return integer_part(i, text(i), std::numeric_limits<std::int64_t>::min(),
                      std::numeric_limits<std::int64_t>::max());
}

std::int64_t CsvReader::integer(std::size_t i, std::int64_t lo, std::int64_t hi) const {
  return integer_part(i, text(i), lo, hi);
}

std::int64_t CsvReader::integer_part(std::size_t i, std::string_view t, std::int64_t lo,
                                     std::int64_t hi) const {
  if (t.empty()) throw error_at(i, "empty, expected an integer");
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec == std::errc::result_out_of_range && end == t.data() + t.size())
    throw error_at(i, fmt::format("{} is out of range {}..{}", t, lo, hi));
  if (ec != std::errc{} || end != t.data() + t.size())
    throw error_at(i, fmt::format("'{}' is not an integer", t));
  if (v < lo || v > hi) throw error_at(i, fmt::format("{} is out of range {}..{}", v, lo, hi));
  return v;
}

std::int64_t CsvReader::whole_number(std::size_t i) const {
  const double v = real(i);
  // 2^63 is the first double beyond int64; casting anything outside is undefined.
  if (!(v >= -0x1p63 && v < 0x1p63))
    throw error_at(i, fmt::format("{} is out of the 64-bit integer range", text(i)));
  const auto n = static_cast<std::int64_t>(v);
  if (static_cast<double>(n) != v)
    throw error_at(i, fmt::format("'{}' is not a whole number", text(i)));
  return n;
}

sim::Time CsvReader::time_count(std::size_t i, sim::Time unit) const {
  const std::int64_t n = integer(i);
  if (n < 0) throw error_at(i, "negative time");
  if (n > sim::Time::max_input().ns() / unit.ns())
    throw error_at(i, fmt::format("{} x {} is beyond the 100-year range", n, unit.to_string()));
  return unit * n;
}

sim::Bytes CsvReader::bytes_count(std::size_t i, sim::Bytes unit) const {
  const std::int64_t n = integer(i);
  if (n < 0) throw error_at(i, "negative size");
  if (n > sim::Bytes::max_input().count() / unit.count())
    throw error_at(i, fmt::format("{} x {} is beyond the largest size, {}", n, unit.to_string(),
                                  sim::Bytes::max_input().to_string()));
  return unit * n;
}

sim::Millicores CsvReader::millicores(std::size_t i) const {
  const std::int64_t n = integer(i);
  if (n < 0) throw error_at(i, "negative CPU");
  if (n > sim::Millicores::max_input().value())
    throw error_at(i, fmt::format("{}m is beyond the largest CPU quantity, {} cores", n,
                                  sim::Millicores::max_input().value() / 1000));
  return sim::Millicores{n};
}

double CsvReader::real(std::size_t i) const {
  const std::string_view t = text(i);
  if (t.empty()) throw error_at(i, "empty, expected a number");
  double v = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc{} || end != t.data() + t.size() || v != v)
    throw error_at(i, fmt::format("'{}' is not a number", t));
  return v;
}

std::optional<std::int64_t> CsvReader::optional_integer(std::size_t i) const {
  if (text(i).empty()) return std::nullopt;
  return integer(i);
}

std::optional<double> CsvReader::optional_real(std::size_t i) const {
  if (text(i).empty()) return std::nullopt;
  return real(i);
}

namespace {

// A quantity with a unit, or a bare number read in default_unit; never negative.
template <typename Q>
Q non_negative_quantity(const CsvReader& r, std::size_t i, std::string_view default_unit,
                        const char* what) {
  const std::string_view t = r.text(i);
  if (t.empty()) throw r.error_at(i, fmt::format("empty, expected a {}", what));
  const bool bare = t.back() >= '0' && t.back() <= '9';
  Q v;
  try {
    v = Q::parse(bare ? std::string{t} + std::string{default_unit} : std::string{t});
  } catch (const sim::ParseError& e) {
    throw r.error_at(i, e.what());
  }
  if (v < Q{}) throw r.error_at(i, fmt::format("'{}' is negative", t));
  return v;
}

}  // namespace

sim::Time CsvReader::time(std::size_t i, std::string_view default_unit) const {
  return non_negative_quantity<sim::Time>(*this, i, default_unit, "duration");
}

sim::Bytes CsvReader::bytes(std::size_t i, std::string_view default_unit) const {
  return non_negative_quantity<sim::Bytes>(*this, i, default_unit, "size");
}

ImportReport for_each_record(CsvReader& reader, const ImportOptions& options,
                             const std::function<void()>& record) {
  ImportReport report;
  while (reader.next()) {
    try {
      record();
      ++report.records;
    } catch (const InputError& e) {
      if (!options.skip_bad_lines) throw;
      ++report.skipped;
      if (report.first_errors.size() < options.max_reported_errors)
        report.first_errors.emplace_back(e.what());
    }
  }
  return report;
}

ImportReport for_each_row(const std::string& path, const std::vector<std::string>& required,
                          const ImportOptions& options, const RowHandler& row,
                          const RowHandler& on_header) {
  CsvReader r(path);
  if (!r.next()) throw InputError({path, 0, 0}, "", "empty file (expected a header row)");
  const auto columns = r.require_header(required);
  if (on_header) on_header(r, columns);
  const std::size_t width = r.size();
  return for_each_record(r, options, [&] {
    r.expect_fields(width);
    row(r, columns);
  });
}

ImportReport for_each_headerless_row(const std::string& path,
                                     const std::vector<std::string>& columns,
                                     const ImportOptions& options, const RowHandler& row,
                                     bool hash_header) {
  CsvReader r(path);
  r.set_columns(columns);
  std::vector<std::size_t> indices(columns.size());
  for (std::size_t i = 0; i < indices.size(); ++i)
    indices[i] = i;
  bool first = true;
  bool had_header = false;
  ImportReport report = for_each_record(r, options, [&] {
    if (std::exchange(first, false) && hash_header && r.line().starts_with('#')) {
      had_header = true;
      return;
    }
    r.expect_fields(columns.size());
    row(r, indices);
  });
  if (had_header) --report.records;  // the header row is not a record
  return report;
}

std::string describe_skips(const ImportReport& report) {
  if (report.skipped == 0) return {};
  std::string out =
      fmt::format("  skipped {} bad line{}", report.skipped, report.skipped == 1 ? "" : "s");
  for (const auto& e : report.first_errors)
    out += "\n    " + e;
  if (report.first_errors.size() < report.skipped) out += "\n    ...";
  return out + "\n";
}

}  // namespace vmcsim::app::importers
