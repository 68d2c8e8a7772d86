#pragma once
// Loading YAML documents with yaml-cpp without ever looping for ever.
//
// yaml-cpp 0.7's parser can hand back the same empty document again and again on some malformed
// input (a stray ',' at the top of a file, found by the scenario fuzz target), so YAML::LoadAll
// grows its vector until memory runs out. Documents are therefore counted first with a parser
// whose every document must start past the previous one; input on which it stops advancing, or
// with more documents than the caller allows, is a YAML::ParserException at its mark, which the
// callers already turn into FILE:LINE:COL errors (exit 2).
#include <cstddef>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace vmcsim::app::yaml {

// Every document of `text` (as YAML::LoadAll), at most `max_documents` of them.
// Throws YAML::ParserException: malformed YAML, a parser that stops advancing, or more documents.
std::vector<YAML::Node> load_documents(const std::string& text, std::size_t max_documents);

}  // namespace vmcsim::app::yaml
