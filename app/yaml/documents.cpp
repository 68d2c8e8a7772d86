#include "app/yaml/documents.hpp"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>

#include <sstream>

namespace vmcsim::app::yaml {
namespace {

// Sees only where each document starts; everything else is ignored.
class DocumentStarts final : public YAML::EventHandler {
 public:
  YAML::Mark last_start;
  void OnDocumentStart(const YAML::Mark& mark) override { last_start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

}  // namespace

std::vector<YAML::Node> load_documents(const std::string& text, std::size_t max_documents) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts starts;
  std::size_t documents = 0;
  int previous_start = -1;
  while (parser.HandleNextDocument(starts)) {
    if (starts.last_start.pos <= previous_start)
      throw YAML::ParserException(starts.last_start,
                                  "the parser cannot read past this point (malformed YAML)");
    previous_start = starts.last_start.pos;
    if (++documents > max_documents)
      throw YAML::ParserException(
          starts.last_start,
          fmt::format("more than {} YAML documents in one file", max_documents));
  }
  // The same text parses the same way again, so this LoadAll ends.
  return YAML::LoadAll(text);
}

}  // namespace vmcsim::app::yaml
