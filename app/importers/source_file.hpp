#pragma once
// Reading a whole input file (a task definition, a manifest) for the importers.
#include <string>

namespace vmcsim::app::importers {

// The file's bytes; an InputError naming the path when it is missing, unreadable or empty.
std::string read_source_file(const std::string& path);

}  // namespace vmcsim::app::importers
