#pragma once
// ParseError: the one exception type for text that does not parse as a value (a time, a size,
// a rate). It carries only what went wrong in the text; callers that know the file, line and
// field (the scenario loader, the importers) wrap it with that location.
#include <stdexcept>
#include <string>

namespace vmcsim::sim {

class ParseError : public std::invalid_argument {
 public:
  explicit ParseError(const std::string& what) : std::invalid_argument(what) {}
};

}  // namespace vmcsim::sim
