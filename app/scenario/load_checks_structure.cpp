#include "app/scenario/load_checks_structure.hpp"

#include <charconv>
#include <cstdlib>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "app/scenario/section_readers.hpp"
#include "app/yaml/documents.hpp"

namespace vmcsim::app::scenario {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// The length of the valid UTF-8 sequence at text[i], or 0 if it is not one (overlong forms,
// surrogates and code points above U+10FFFF are invalid).
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned lo = 0x80, hi = 0xBF;  // the range of the second byte
  if (c >= 0xC2 && c <= 0xDF)
    n = 2;
  else if (c == 0xE0)
    n = 3, lo = 0xA0;
  else if (c >= 0xE1 && c <= 0xEC)
    n = 3;
  else if (c == 0xED)
    n = 3, hi = 0x9F;
  else if (c >= 0xEE && c <= 0xEF)
    n = 3;
  else if (c == 0xF0)
    n = 4, lo = 0x90;
  else if (c >= 0xF1 && c <= 0xF3)
    n = 4;
  else if (c == 0xF4)
    n = 4, hi = 0x8F;
  else
    return 0;
  if (i + n > text.size()) return 0;
  if (b(1) < lo || b(1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (b(k) < 0x80 || b(k) > 0xBF) return 0;
  return n;
}

// Walks the tree without recursion; fails at the first node nested deeper than kMaxDepth, or
// once more than kMaxNodes nodes are seen (aliases count each time they are used).
void check_structure(const YAML::Node& root, const std::string& file) {
  std::vector<std::pair<YAML::Node, int>> todo{{root, 0}};
  std::size_t seen = 0;
  while (!todo.empty()) {
    const auto [node, depth] = todo.back();
    todo.pop_back();
    if (++seen > kMaxNodes)
      throw InputError(
          {file, node.Mark().line + 1, node.Mark().column + 1}, "",
          fmt::format("more than {} values (aliases count each time they are used)", kMaxNodes));
    if (!node.IsMap() && !node.IsSequence()) continue;
    if (depth >= kMaxDepth)
      throw InputError({file, node.Mark().line + 1, node.Mark().column + 1}, "",
                       fmt::format("nested more than {} levels deep", kMaxDepth));
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (node.IsMap()) {
        todo.emplace_back(it->first, depth + 1);
        todo.emplace_back(it->second, depth + 1);
      } else {
        todo.emplace_back(*it, depth + 1);
      }
    }
  }
}

// The line of the second document of a stream (its "---" or first content after "...").
int second_document_line(const std::string& text) {
  int line = 1;
  bool content = false;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view l{text.data() + start, end - start};
    const bool marker = l.rfind("---", 0) == 0 || l.rfind("...", 0) == 0;
    if (marker && content) return line;
    if (!marker && !l.empty() && l.front() != '#' && l.find_first_not_of(" \t\r") != l.npos)
      content = true;
    start = end + 1;
    ++line;
  }
  return 0;
}

}  // namespace

std::uint64_t max_file_bytes(const LoadOptions& options) {
  if (options.max_file_bytes > 0) return options.max_file_bytes;
  if (const char* env = std::getenv("VMCSIM_MAX_INPUT_BYTES")) {
    std::uint64_t v = 0;
    const std::string_view s{env};
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc{} && end == s.data() + s.size() && v > 0) return v;
  }
  return kDefaultMaxFileBytes;
}

InputError too_large(const std::string& file, std::uint64_t size, std::uint64_t limit) {
  return InputError({file, 0, 0}, "",
                    fmt::format("the file has {} bytes, more than the limit of {} (raise it with "
                                "VMCSIM_MAX_INPUT_BYTES)",
                                size, limit));
}

void check_input_text(const std::string& text, const std::string& file,
                      const LoadOptions& options) {
  const std::uint64_t limit = max_file_bytes(options);
  if (text.size() > limit) throw too_large(file, text.size(), limit);
  const std::string_view body =
      std::string_view{text}.rfind(kBom, 0) == 0 ? std::string_view{text}.substr(3) : text;
  int line = 1, column = 1;
  for (std::size_t i = 0; i < body.size();) {
    const std::size_t n = utf8_length(body, i);
    if (n == 0)
      throw InputError({file, line, column}, "",
                       fmt::format("invalid UTF-8: byte 0x{:02X} (names and strings must be "
                                   "UTF-8)",
                                   static_cast<unsigned char>(body[i])));
    if (body[i] == '\n')
      ++line, column = 1;
    else
      ++column;
    i += n;
  }
}

YAML::Node parse_document(const std::string& text, const std::string& file) {
  const std::string body = text.rfind(kBom, 0) == 0 ? text.substr(3) : text;
  std::vector<YAML::Node> docs;
  try {
    docs = yaml::load_documents(body, 2);  // a second document is refused below
  } catch (const YAML::ParserException& e) {
    throw InputError({file, e.mark.line + 1, e.mark.column + 1}, "",
                     fmt::format("invalid YAML: {}", e.msg));
  }
  if (docs.size() > 1)
    throw InputError({file, second_document_line(body), 0}, "",
                     "a second YAML document: a scenario file holds one (remove the '---' "
                     "line and what follows, or split the file)");
  const YAML::Node root = docs.empty() ? YAML::Node{} : docs.front();
  check_structure(root, file);
  return root;
}

void check_work(const Scenario& s, const Field& root, const WorkBudget& budget,
                bool replications_from_cli) {
  WorkEstimate e = estimate_work(s);
  const std::string why = over_budget(e, s, budget);
  if (why.empty()) return;
  if (replications_from_cli && e.driver == "replications")
    throw InputError({root.where().file, 0, 0}, "--replications",
                     fmt::format("--replications {}: {}: refused before the first event (pass "
                                 "--allow-large to run it anyway)",
                                 s.replications, why));
  // The driver is a path such as "workloads[0].bursts[1].multiplier": walk it in the file.
  Field at = root;
  std::size_t start = 0;
  const std::string& path = e.driver;
  while (start < path.size()) {
    std::size_t end = path.find_first_of(".[", start);
    if (end == std::string::npos) end = path.size();
    if (end > start) at = at[path.substr(start, end - start)];
    if (end < path.size() && path[end] == '[') {
      const std::size_t close = path.find(']', end);
      const std::size_t i = std::stoul(path.substr(end + 1, close - end - 1));
      if (at.node.IsSequence() && i < at.node.size()) at = at.at(i);
      end = close + 1;
    }
    start = end + 1;
  }
  throw InputError(at.where(), e.driver,
                   fmt::format("{}: {}: refused before the first event (pass --allow-large to "
                               "run it anyway)",
                               e.driver, why));
}

}  // namespace vmcsim::app::scenario
