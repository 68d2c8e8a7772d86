#pragma once
// ModuleGroup: the one table of a named extension point (placement policies, platform kinds,
// autoscalers, distributions, trace formats), after SimGrid's xbt ModuleGroup. Each entry has the
// name a scenario writes, a one-line description and what builds it (a factory, a parser or the
// enum value it stands for). Everything that spells the names derives from the table: the
// loader's checks and their "allowed: ..." lists, `vmcsim list`, and a test that compares
// scenarios/schema.json and docs/scenario-format.md with it.
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace vmcsim::models::registry {

template <class Factory>
struct Module {
  Module(std::string name_, std::string description_, Factory factory_,
         std::string syntax_ = std::string{}, std::vector<std::string> aliases_ = {})
      : name(std::move(name_)),
        description(std::move(description_)),
        factory(std::move(factory_)),
        syntax(std::move(syntax_)),
        aliases(std::move(aliases_)) {}

  std::string name;         // as the scenario writes it
  std::string description;  // one line
  Factory factory;
  // How it is written when it takes arguments ("ecs:STRATEGY[,STRATEGY...]"); empty: the name.
  std::string syntax;
  // Other spellings accepted for the same entry (kept for older specs), never listed as names.
  std::vector<std::string> aliases;
};

template <class Factory>
class ModuleGroup {
 public:
  ModuleGroup(std::string kind, std::vector<Module<Factory>> modules)
      : kind_(std::move(kind)), modules_(std::move(modules)) {}

  // "placement policy", "trace format", ...: what one entry is, for messages.
  const std::string& kind() const { return kind_; }
  const std::vector<Module<Factory>>& modules() const { return modules_; }

  const Module<Factory>* find(std::string_view name) const {
    for (const auto& m : modules_) {
      if (m.name == name) return &m;
      for (const auto& a : m.aliases)
        if (a == name) return &m;
    }
    return nullptr;
  }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& m : modules_)
      out.push_back(m.name);
    return out;
  }

  // "a, b, ecs:STRATEGY[,STRATEGY...]": each entry as it is written.
  std::string allowed() const {
    std::vector<std::string> out;
    for (const auto& m : modules_)
      out.push_back(m.syntax.empty() ? m.name : m.syntax);
    return fmt::format("{}", fmt::join(out, ", "));
  }

  // "unknown placement policy 'x' (allowed: ...)"
  std::string unknown(std::string_view name) const {
    return fmt::format("unknown {} '{}' (allowed: {})", kind_, name, allowed());
  }

  // One "  name  description" line per entry, names padded to one column.
  std::string listing() const {
    std::size_t width = 0;
    for (const auto& m : modules_)
      width = std::max(width, (m.syntax.empty() ? m.name : m.syntax).size());
    std::string out;
    for (const auto& m : modules_)
      out +=
          fmt::format("  {:<{}}  {}\n", m.syntax.empty() ? m.name : m.syntax, width, m.description);
    return out;
  }

 private:
  std::string kind_;
  std::vector<Module<Factory>> modules_;
};

}  // namespace vmcsim::models::registry
