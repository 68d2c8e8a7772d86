#include "app/scenario/read_context.hpp"

#include <algorithm>
#include <cstdlib>

#include "app/scenario/data_dir.hpp"
#include "app/scenario/input_errors.hpp"
#include "app/scenario/loader.hpp"

namespace vmcsim::app::scenario {

namespace fs = std::filesystem;

const std::vector<std::string>& keys(const char* table) {
  return key_tables().at(table);
}

ReadContext::ReadContext(std::string file, const models::Catalog& catalog)
    : file_{std::move(file)}, catalog_{catalog} {
  base_dir_ = fs::path{file_}.parent_path();
}

std::string ReadContext::unique_name(const Field& f, const char* what) {
  const std::string name = f.required("name").text();
  if (name.empty()) f["name"].fail("must not be empty");
  check_unique(f["name"], name, what);
  return name;
}

void ReadContext::check_unique(const Field& f, const std::string& name, const char* what) {
  if (!names_[what].insert(name).second)
    f.fail(fmt::format("duplicate {} name '{}'", what, shorten(name)));
}

std::string ReadContext::resolve_file(const Field& f) const {
  const std::string raw = f.text();
  std::string expanded;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw.compare(i, 2, "${") != 0) {
      expanded += raw[i];
      continue;
    }
    const std::size_t close = raw.find('}', i);
    if (close == std::string::npos) f.fail(fmt::format("unclosed '${{' in '{}'", raw));
    const std::string var = raw.substr(i + 2, close - i - 2);
    if (var == "VMCSIM_DATA") {
      // Unset: the fixtures beside the checkout (data_dir.hpp), as the README says.
      const auto data = data_dir(base_dir_);
      if (!data)
        f.fail(fmt::format("'{}' uses ${{VMCSIM_DATA}}, which is not set, and no "
                           "../shared/fixtures folder was found from the current folder or "
                           "above the scenario: set VMCSIM_DATA to the folder holding the "
                           "shared fixtures",
                           raw));
      expanded += *data;
      i = close;
      continue;
    }
    const char* value = std::getenv(var.c_str());
    if (value == nullptr)
      f.fail(fmt::format("'{}' uses ${{{}}}, which is not set in the environment", raw, var));
    expanded += value;
    i = close;
  }
  fs::path p{expanded};
  if (p.is_relative()) p = base_dir_ / p;
  p = p.lexically_normal();
  std::error_code ec;
  if (!fs::is_regular_file(p, ec))
    f.fail(fmt::format("file not found: '{}'{}", p.string(),
                       expanded == raw ? "" : fmt::format(" (from '{}')", raw)));
  return p.string();
}

TraceRef ReadContext::trace_ref(const Field& t, const std::vector<std::string>& formats) const {
  t.check_keys(keys("trace"));
  TraceRef ref;
  ref.format = t.required("format").text();
  if (std::find(formats.begin(), formats.end(), ref.format) == formats.end())
    t["format"].fail(fmt::format("unknown value '{}' (allowed: {})", shorten(ref.format),
                                 fmt::join(formats, ", ")));
  ref.file = resolve_file(t.required("file"));
  return ref;
}

bool ReadContext::attempt(const std::function<void()>& read) {
  try {
    read();
    return true;
  } catch (const InputError& e) {
    errors_.push_back(e);
    if (errors_.size() >= max_errors) throw InputErrors(errors_, true);
  } catch (const RefersToFailedEntry&) {
  }
  return false;
}

void ReadContext::throw_errors() const {
  if (errors_.size() == 1) throw errors_.front();
  if (!errors_.empty()) throw InputErrors(errors_, false);
}

void ReadContext::note_failed(const Field& entry, const char* what) {
  const Field name = entry["name"];
  if (name.defined() && name.node.IsScalar()) note_failed(name.node.Scalar(), what);
}

void ReadContext::note_failed(const std::string& name, const char* what) {
  failed_[what].insert(name);
}

bool ReadContext::failed(const char* what, const std::string& name) const {
  const auto it = failed_.find(what);
  return it != failed_.end() && it->second.count(name) > 0;
}

double non_negative(const Field& f, double max) {
  const double v = f.number();
  if (v < 0) f.fail(fmt::format("must not be negative, got {}", f.text()));
  if (v > max) f.fail(fmt::format("must be at most {}, got {}", max, f.text()));
  return v;
}

double positive_number(const Field& f, double max) {
  const double v = f.number();
  if (!(v > 0)) f.fail(fmt::format("must be greater than zero, got {}", f.text()));
  if (v > max) f.fail(fmt::format("must be at most {}, got {}", max, f.text()));
  return v;
}

double fraction(const Field& f) {
  const double v = f.number();
  if (!(v > 0 && v <= 1)) f.fail(fmt::format("must be a fraction in (0, 1], got {}", f.text()));
  return v;
}

double request_rate(const Field& f, bool allow_zero) {
  const double v = allow_zero ? non_negative(f, kMaxRate) : positive_number(f, kMaxRate);
  if (v > 0 && v < kMinRate)
    f.fail(fmt::format("must be at least {} requests per second (one in 11.6 days){}, got {}",
                       kMinRate, allow_zero ? " or 0" : "", f.text()));
  return v;
}

}  // namespace vmcsim::app::scenario
