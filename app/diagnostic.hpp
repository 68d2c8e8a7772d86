#pragma once
// Diagnostics for bad input: where in which file, which field, and what is wrong.
//
// InputError is the one exception the app layer throws for input the user can fix (a scenario,
// an ECS task definition, a Kubernetes manifest, a trace line). The CLI catches it and exits 2.
// Its what() is exactly the compiler-style line editors and CI logs understand:
//   FILE:LINE:COL: error: MESSAGE    (column known, > 0)
//   FILE:LINE: error: MESSAGE        (column 0 = unknown)
//   FILE: error: MESSAGE             (line 0 = unknown)
// Lines and columns are 1-based; 0 means "unknown". The field (a JSON pointer, a YAML path
// such as "spec.template.spec.containers[0].resources.limits.cpu", or a CSV column name) is kept
// separately so callers and tests can check it; put it in the message too when it helps a reader.
#include <stdexcept>
#include <string>
#include <utility>

namespace vmcsim::app {

struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 if unknown
  int column = 0;  // 1-based; 0 if unknown
};

// "FILE:LINE:COL" with the unknown parts omitted (see the header comment).
inline std::string to_string(const SourceLocation& loc) {
  std::string out = loc.file;
  if (loc.line > 0) {
    out += ':' + std::to_string(loc.line);
    if (loc.column > 0) out += ':' + std::to_string(loc.column);
  }
  return out;
}

class InputError : public std::runtime_error {
 public:
  InputError(SourceLocation where, std::string field, std::string message)
      : std::runtime_error(to_string(where) + ": error: " + message),
        where_(std::move(where)),
        field_(std::move(field)),
        message_(std::move(message)) {}

  const SourceLocation& where() const { return where_; }
  const std::string& file() const { return where_.file; }
  int line() const { return where_.line; }
  int column() const { return where_.column; }
  // The offending field: JSON pointer, YAML path or CSV column name; empty if not one field.
  const std::string& field() const { return field_; }
  // The message without the location prefix.
  const std::string& message() const { return message_; }

 private:
  SourceLocation where_;
  std::string field_;
  std::string message_;
};

}  // namespace vmcsim::app
