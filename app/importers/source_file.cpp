#include "app/importers/source_file.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/diagnostic.hpp"

namespace vmcsim::app::importers {

std::string read_source_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw InputError({path, 0, 0}, "", "cannot open '" + path + "': no such file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError({path, 0, 0}, "", "cannot read '" + path + "'");
  // An empty file is its own, clear error: `text << rdbuf()` fails on it and used to read
  // as "cannot read".
  if (in.peek() == std::ifstream::traits_type::eof()) {
    if (in.bad()) throw InputError({path, 0, 0}, "", "cannot read '" + path + "'");
    throw InputError({path, 0, 0}, "", "the file is empty");
  }
  std::ostringstream text;
  if (!(text << in.rdbuf())) throw InputError({path, 0, 0}, "", "cannot read '" + path + "'");
  return text.str();
}

}  // namespace vmcsim::app::importers
