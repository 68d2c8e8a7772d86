#include "app/importers/ecs_task_definition.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/importers/source_file.hpp"
#include "sim/parse_error.hpp"

namespace vmcsim::app::importers {

using nlohmann::json;

namespace {

// A lenient walk over JSON text that is already known to be valid, recording where the value at
// one pointer starts. nlohmann::json keeps no source positions, hence this. The walk is
// iterative (one stack entry per open container), so nesting depth costs heap, never the
// call stack: a 10,000-deep array overflowed the recursive version.
class PointerLocator {
 public:
  PointerLocator(std::string_view text, std::string_view target) : s_(text), target_(target) {}

  bool find(int& line, int& column) {
    walk();
    line = found_line_;
    column = found_column_;
    return found_line_ > 0;
  }

 private:
  struct Open {
    char close;               // '}' or ']'
    std::size_t index;        // the next element's index (arrays)
    std::size_t path_length;  // the container's own pointer; its members append to it
  };

  bool more() const { return i_ < s_.size(); }
  void skip_space() {
    while (more() && std::isspace(static_cast<unsigned char>(s_[i_]))) {
      if (s_[i_] == '\n') {
        ++line_;
        line_start_ = i_ + 1;
      }
      ++i_;
    }
  }
  std::string string() {
    std::string out;
    ++i_;  // opening quote
    while (more() && s_[i_] != '"') {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;  // keys with escapes are rare; keep raw
      out += s_[i_++];
    }
    ++i_;  // closing quote
    return out;
  }
  static std::string escape(const std::string& token) {
    std::string out;
    for (char c : token) {
      if (c == '~')
        out += "~0";
      else if (c == '/')
        out += "~1";
      else
        out += c;
    }
    return out;
  }
  // At a value: true when it is the target. Containers are entered (pushed); scalars skipped.
  bool value() {
    skip_space();
    if (!more()) return false;
    if (path_ == target_) {
      found_line_ = line_;
      found_column_ = static_cast<int>(i_ - line_start_) + 1;
      return true;
    }
    const char c = s_[i_];
    if (c == '{' || c == '[') {
      stack_.push_back({c == '{' ? '}' : ']', 0, path_.size()});
      ++i_;
    } else if (c == '"') {
      string();
    } else {
      while (more() && std::string_view(",]} \t\r\n").find(s_[i_]) == std::string_view::npos)
        ++i_;
    }
    return false;
  }
  // Steps into the next member of the innermost open container, or closes it.
  void next_member() {
    Open& open = stack_.back();
    path_.resize(open.path_length);
    skip_space();
    if (more() && s_[i_] == ',') ++i_;
    skip_space();
    if (!more() || s_[i_] == open.close) {
      ++i_;
      stack_.pop_back();
      return;
    }
    if (open.close == '}') {
      path_ += '/' + escape(string());
      skip_space();
      ++i_;  // ':'
    } else {
      path_ += '/' + std::to_string(open.index++);
    }
    if (value()) stack_.clear();
  }
  void walk() {
    if (value()) return;
    while (!stack_.empty() && more())
      next_member();
  }

  std::string_view s_;
  std::string_view target_;
  std::size_t i_ = 0;
  int line_ = 1;
  std::size_t line_start_ = 0;
  std::string path_;
  std::vector<Open> stack_;
  int found_line_ = 0;
  int found_column_ = 0;
};

// The deepest nesting of arrays and objects a task definition may have. Real ones nest fewer
// than 10 levels; the limit keeps hostile input from costing memory and time without bound.
constexpr int kMaxJsonDepth = 128;

// The largest integer the task definition's fields accept (CPU units, MiB; ports are checked
// further); it keeps every conversion inside int and int64.
constexpr std::int64_t kMaxInteger = 1'000'000'000;

// Throws an InputError at the bracket that opens level kMaxJsonDepth + 1. Runs before
// nlohmann parses, on text that may not be valid JSON: brackets inside strings do not count.
void check_json_depth(std::string_view text, const std::string& file) {
  int depth = 0;
  int line = 1;
  std::size_t line_start = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth)
        throw InputError({file, line, static_cast<int>(i - line_start) + 1}, "",
                         fmt::format("invalid JSON: nested deeper than {} levels", kMaxJsonDepth));
    } else if (c == ']' || c == '}') {
      --depth;
    }
    if (c == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
}

// Reads one task definition, throwing InputErrors placed by pointer.
class Reader {
 public:
  Reader(std::string_view text, const std::string& file, std::string base)
      : text_(text), file_(file), base_(std::move(base)) {}

  [[noreturn]] void fail(const std::string& pointer, const std::string& message) const {
    const std::string full = base_ + pointer;
    throw InputError(locate_json_pointer(text_, full, file_), full, full + ": " + message);
  }

  const json* member(const json& object, const char* key) const {
    const auto it = object.find(key);
    return it == object.end() || it->is_null() ? nullptr : &*it;
  }

  std::string string(const json& object, const std::string& pointer, const char* key,
                     bool required) const {
    const json* v = member(object, key);
    if (v == nullptr) {
      if (required) fail(pointer, fmt::format("missing required \"{}\"", key));
      return {};
    }
    if (!v->is_string()) fail(pointer + "/" + key, "expected a string");
    if (required && v->get_ref<const std::string&>().empty())
      fail(pointer + "/" + key, "must not be empty");
    return v->get<std::string>();
  }

  std::optional<int> integer(const json& object, const std::string& pointer, const char* key,
                             int minimum) const {
    const json* v = member(object, key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_number_integer()) fail(pointer + "/" + key, "expected an integer");
    const auto n = v->get<std::int64_t>();
    if (n < minimum || n > kMaxInteger)
      fail(pointer + "/" + key, fmt::format("{} is out of range (at least {})", n, minimum));
    return static_cast<int>(n);
  }

  // An integer in [lo, hi] (the API's own range for the field), or nullopt when absent.
  std::optional<int> bounded(const json& object, const std::string& pointer, const char* key,
                             int lo, int hi, const char* unit) const {
    const json* v = member(object, key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_number_integer()) fail(pointer + "/" + key, "expected an integer");
    const auto n = v->get<std::int64_t>();
    if (n < lo || n > hi)
      fail(pointer + "/" + key,
           fmt::format("{} is out of range (the ECS API takes {} to {} {})", n, lo, hi, unit));
    return static_cast<int>(n);
  }

  // containerDefinitions[i].healthCheck (EcsHealthCheck), nullopt when absent.
  std::optional<EcsHealthCheck> health_check(const json& container, const std::string& at) const {
    const json* h = member(container, "healthCheck");
    if (h == nullptr) return std::nullopt;
    const std::string hat = at + "/healthCheck";
    if (!h->is_object()) fail(hat, "expected an object");
    EcsHealthCheck c;
    c.where = locate_json_pointer(text_, base_ + hat, file_);
    const json* command = member(*h, "command");
    if (command == nullptr) fail(hat, "missing required \"command\"");
    if (!command->is_array() || command->empty())
      fail(hat + "/command", "expected a non-empty array of strings ([\"CMD-SHELL\", \"...\"])");
    for (std::size_t i = 0; i < command->size(); ++i) {
      if (!(*command)[i].is_string())
        fail(fmt::format("{}/command/{}", hat, i), "expected a string");
      c.command.push_back((*command)[i].get<std::string>());
    }
    if (c.command[0] != "CMD" && c.command[0] != "CMD-SHELL" && c.command[0] != "NONE")
      fail(hat + "/command/0",
           fmt::format("'{}' is not CMD, CMD-SHELL or NONE (the command's first element)",
                       c.command[0]));
    c.interval = bounded(*h, hat, "interval", 5, 300, "seconds");
    c.timeout = bounded(*h, hat, "timeout", 2, 60, "seconds");
    c.retries = bounded(*h, hat, "retries", 1, 10, "retries");
    c.start_period = bounded(*h, hat, "startPeriod", 0, 300, "seconds");
    return c;
  }

  const json& array(const json& object, const std::string& pointer, const char* key) const {
    static const json empty = json::array();
    const json* v = member(object, key);
    if (v == nullptr) return empty;
    if (!v->is_array()) fail(pointer + "/" + key, "expected an array");
    return *v;
  }

  // Task-level "cpu": CPU units as a number or string, or "N vCPU".
  std::optional<int> task_cpu_units(const json& task) const {
    const json* v = member(task, "cpu");
    if (v == nullptr) return std::nullopt;
    if (v->is_number_integer()) return integer(task, "", "cpu", 1);
    if (!v->is_string()) fail("/cpu", "expected CPU units (\"512\") or vCPUs (\"1 vCPU\")");
    const std::string text = v->get<std::string>();
    std::string number = text;
    const bool vcpu = strip_unit(number, {"vcpu"});
    // In int64: up to 10^12 millicores x 1024 fits, and the range check comes after.
    std::int64_t units = 0;
    try {
      if (vcpu) {
        units = sim::Millicores::parse(number).value() * 1024 / 1000;
      } else {
        std::size_t used = 0;
        units = std::stoll(number, &used);
        if (used != number.size()) units = 0;
      }
    } catch (const std::out_of_range&) {
      units = kMaxInteger + 1;
    } catch (const std::exception&) {
      units = 0;
    }
    if (units > kMaxInteger)
      fail("/cpu", fmt::format("'{}' is out of range (at most {} CPU units)", text, kMaxInteger));
    if (units >= 1) return static_cast<int>(units);
    fail("/cpu", fmt::format("'{}' is not CPU units (\"512\") or vCPUs (\"1 vCPU\")", text));
  }

  // Task-level "memory": MiB as a number or string, or "N GB" (GiB).
  std::optional<sim::Bytes> task_memory(const json& task) const {
    const json* v = member(task, "memory");
    if (v == nullptr) return std::nullopt;
    if (v->is_number_integer()) return sim::Bytes::mib(*integer(task, "", "memory", 1));
    if (!v->is_string()) fail("/memory", "expected MiB (\"1024\") or GB (\"2 GB\")");
    const std::string text = v->get<std::string>();
    std::string number = text;
    const bool gb = strip_unit(number, {"gb", "gib"});
    if (!gb) strip_unit(number, {"mib", "mb"});  // "1024 MiB" is MiB, as a bare number is
    try {
      if (gb) return sim::Bytes::parse(number + "GiB");
      std::size_t used = 0;
      const int n = std::stoi(number, &used);
      if (used == number.size() && n > 0) return sim::Bytes::mib(n);
    } catch (const std::exception&) {
    }
    fail("/memory", fmt::format("'{}' is not MiB (\"1024\") or GB (\"2 GB\")", text));
  }

 private:
  // Removes a trailing unit (case-insensitive, optional space before it); true if one was there.
  static bool strip_unit(std::string& text, std::initializer_list<std::string_view> units) {
    std::string lower = text;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (auto unit : units) {
      if (lower.size() > unit.size() && lower.ends_with(unit)) {
        text.resize(text.size() - unit.size());
        while (!text.empty() && text.back() == ' ')
          text.pop_back();
        return true;
      }
    }
    return false;
  }

  std::string_view text_;
  const std::string& file_;
  std::string base_;
};

sim::Millicores from_cpu_units(int units) {
  return sim::Millicores{(static_cast<std::int64_t>(units) * 1000 + 512) / 1024};
}

}  // namespace

SourceLocation locate_json_pointer(std::string_view text, std::string_view pointer,
                                   const std::string& file) {
  SourceLocation where{file, 0, 0};
  PointerLocator(text, pointer).find(where.line, where.column);
  return where;
}

bool EcsTaskDefinition::fargate() const {
  return std::find(requires_compatibilities.begin(), requires_compatibilities.end(), "FARGATE") !=
         requires_compatibilities.end();
}

sim::Millicores EcsTaskDefinition::total_cpu() const {
  if (cpu) return *cpu;
  sim::Millicores sum;
  for (const auto& c : containers)
    sum += c.cpu;
  return sum;
}

sim::Bytes EcsTaskDefinition::total_memory() const {
  if (memory) return *memory;
  sim::Bytes sum;
  // ContainerDefinition.memoryReservation: "If you specify memoryReservation, then that value is
  // subtracted from the available memory resources for the container instance where the
  // container is placed. Otherwise, the value of memory is used." (ECS API reference)
  for (const auto& c : containers)
    sum += c.memory_reservation ? *c.memory_reservation : c.memory.value_or(sim::Bytes{});
  return sum;
}

std::optional<sim::Bytes> EcsTaskDefinition::memory_hard_limit() const {
  if (memory) return memory;
  sim::Bytes sum;
  for (const auto& c : containers) {
    if (!c.memory) return std::nullopt;  // a container without "memory" has no hard limit
    sum += *c.memory;
  }
  return sum;
}

int EcsTaskDefinition::total_gpus() const {
  int sum = 0;
  for (const auto& c : containers)
    sum += c.gpus;
  return sum;
}

namespace {

// The line and column of byte `offset` (0-based) of `text`.
SourceLocation location_at(std::string_view text, const std::string& file, std::size_t offset) {
  SourceLocation where{file, 1, 1};
  const std::size_t end = std::min(offset, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++where.line;
      where.column = 1;
    } else {
      ++where.column;
    }
  }
  return where;
}

}  // namespace

EcsTaskDefinition parse_ecs_task_definition(std::string_view text, const std::string& file) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    throw InputError({file, 0, 0}, "", "the file is empty (expected a JSON task definition)");
  check_json_depth(text, file);
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    // e.byte is the 1-based offset of the offending character.
    const SourceLocation where = location_at(text, file, e.byte > 0 ? e.byte - 1 : 0);
    std::string message = e.what();
    if (const auto colon = message.find("]: "); colon != std::string::npos)
      message.erase(0, colon + 3);
    throw InputError(where, "", "invalid JSON: " + message);
  } catch (const json::out_of_range& e) {
    // A number beyond a double ("1e999") is nlohmann's out_of_range 406, which carries no
    // offset: the location is where the number it quotes first occurs.
    std::string message = e.what();
    if (const auto colon = message.find("] "); colon != std::string::npos)
      message.erase(0, colon + 2);
    const auto quote = message.find('\'');
    const auto close = quote == std::string::npos ? quote : message.find('\'', quote + 1);
    const std::size_t at =
        close == std::string::npos ? 0 : text.find(message.substr(quote + 1, close - quote - 1));
    throw InputError(location_at(text, file, at == std::string_view::npos ? 0 : at), "",
                     "invalid JSON: " + message);
  }
  std::string base;
  if (doc.is_object() && doc.contains("taskDefinition") && doc["taskDefinition"].is_object()) {
    doc = json(doc["taskDefinition"]);
    base = "/taskDefinition";
  }
  const Reader r(text, file, base);
  if (!doc.is_object()) r.fail("", "a task definition is a JSON object");

  EcsTaskDefinition task;
  task.file = file;
  task.family = r.string(doc, "", "family", true);
  task.network_mode = r.string(doc, "", "networkMode", false);
  if (!task.network_mode.empty() && task.network_mode != "bridge" && task.network_mode != "host" &&
      task.network_mode != "awsvpc" && task.network_mode != "none")
    r.fail("/networkMode", fmt::format("unknown network mode '{}' (bridge, host, awsvpc, none)",
                                       task.network_mode));
  const json& compat = r.array(doc, "", "requiresCompatibilities");
  for (std::size_t i = 0; i < compat.size(); ++i) {
    const std::string at = fmt::format("/requiresCompatibilities/{}", i);
    if (!compat[i].is_string()) r.fail(at, "expected a string");
    const auto c = compat[i].get<std::string>();
    if (c != "EC2" && c != "FARGATE" && c != "EXTERNAL")
      r.fail(at, fmt::format("unknown compatibility '{}' (EC2, FARGATE, EXTERNAL)", c));
    task.requires_compatibilities.push_back(c);
  }
  task.cpu_units = r.task_cpu_units(doc);
  if (task.cpu_units) task.cpu = from_cpu_units(*task.cpu_units);
  task.memory = r.task_memory(doc);

  const json& constraints = r.array(doc, "", "placementConstraints");
  for (std::size_t i = 0; i < constraints.size(); ++i) {
    const std::string at = fmt::format("/placementConstraints/{}", i);
    if (!constraints[i].is_object()) r.fail(at, "expected an object");
    EcsPlacementConstraint pc;
    pc.type = r.string(constraints[i], at, "type", true);
    if (pc.type != "memberOf" && pc.type != "distinctInstance")
      r.fail(at + "/type",
             fmt::format("unknown constraint type '{}' (memberOf, distinctInstance)", pc.type));
    pc.expression = r.string(constraints[i], at, "expression", pc.type == "memberOf");
    task.placement_constraints.push_back(std::move(pc));
  }

  if (!doc.contains("containerDefinitions"))
    r.fail("", "missing required \"containerDefinitions\"");
  const json& defs = r.array(doc, "", "containerDefinitions");
  if (defs.empty()) r.fail("/containerDefinitions", "a task needs at least one container");
  bool any_essential = false;
  for (std::size_t i = 0; i < defs.size(); ++i) {
    const std::string at = fmt::format("/containerDefinitions/{}", i);
    const json& d = defs[i];
    if (!d.is_object()) r.fail(at, "expected an object");
    EcsContainer c;
    c.name = r.string(d, at, "name", true);
    c.image = r.string(d, at, "image", true);
    c.cpu_units = r.integer(d, at, "cpu", 0).value_or(0);
    c.cpu = from_cpu_units(c.cpu_units);
    if (const auto m = r.integer(d, at, "memory", 1)) c.memory = sim::Bytes::mib(*m);
    if (const auto m = r.integer(d, at, "memoryReservation", 1))
      c.memory_reservation = sim::Bytes::mib(*m);
    if (c.memory && c.memory_reservation && *c.memory_reservation > *c.memory)
      r.fail(at + "/memoryReservation", "the soft limit exceeds the hard limit \"memory\"");
    if (!c.memory && !c.memory_reservation && !task.memory)
      r.fail(at,
             "a container needs \"memory\" or \"memoryReservation\" when the task has no "
             "task-level memory");
    if (c.memory && task.memory && *c.memory > *task.memory)
      r.fail(at + "/memory", fmt::format("the container's {} exceed the task's memory {}",
                                         c.memory->to_string(), task.memory->to_string()));
    if (c.cpu_units > 0 && task.cpu_units && c.cpu_units > *task.cpu_units)
      r.fail(at + "/cpu",
             fmt::format("{} CPU units exceed the task's {}", c.cpu_units, *task.cpu_units));
    const json& requirements = r.array(d, at, "resourceRequirements");
    for (std::size_t k = 0; k < requirements.size(); ++k) {
      const std::string rat = fmt::format("{}/resourceRequirements/{}", at, k);
      if (!requirements[k].is_object()) r.fail(rat, "expected an object");
      const std::string type = r.string(requirements[k], rat, "type", true);
      const std::string value = r.string(requirements[k], rat, "value", true);
      if (type != "GPU") continue;  // InferenceAccelerator: Elastic Inference, not modelled
      int n = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc{} || end != value.data() + value.size() || n < 1)
        r.fail(rat + "/value", fmt::format("'{}' is not a whole number of GPUs", value));
      c.gpus += n;
    }
    if (const json* e = r.member(d, "essential")) {
      if (!e->is_boolean()) r.fail(at + "/essential", "expected true or false");
      c.essential = e->get<bool>();
    }
    any_essential = any_essential || c.essential;
    const json& ports = r.array(d, at, "portMappings");
    for (std::size_t k = 0; k < ports.size(); ++k) {
      const std::string pat = fmt::format("{}/portMappings/{}", at, k);
      if (!ports[k].is_object()) r.fail(pat, "expected an object");
      EcsPortMapping p;
      const auto port = r.integer(ports[k], pat, "containerPort", 0);
      if (!port || *port > 65535)
        r.fail(pat + (port ? "/containerPort" : ""), "needs a \"containerPort\" in 0..65535");
      p.container_port = *port;
      p.host_port = r.integer(ports[k], pat, "hostPort", 0);
      if (p.host_port && *p.host_port > 65535) r.fail(pat + "/hostPort", "not a port (0..65535)");
      const std::string protocol = r.string(ports[k], pat, "protocol", false);
      if (!protocol.empty()) {
        if (protocol != "tcp" && protocol != "udp")
          r.fail(pat + "/protocol", "expected tcp or udp");
        p.protocol = protocol;
      }
      c.port_mappings.push_back(std::move(p));
    }
    c.health_check = r.health_check(d, at);
    task.containers.push_back(std::move(c));
  }
  if (!any_essential) r.fail("/containerDefinitions", "at least one container must be essential");

  if (task.fargate()) {
    if (!task.cpu_units) r.fail("", "a FARGATE task definition needs task-level \"cpu\"");
    if (!task.memory) r.fail("", "a FARGATE task definition needs task-level \"memory\"");
    if (!task.network_mode.empty() && task.network_mode != "awsvpc")
      r.fail("/networkMode", "FARGATE requires networkMode \"awsvpc\"");
  }
  return task;
}

EcsTaskDefinition load_ecs_task_definition(const std::string& path) {
  return parse_ecs_task_definition(read_source_file(path), path);
}

std::string describe(const EcsHealthCheck& h) {
  if (h.disabled()) return "health check NONE (disabled)";
  std::string out = "health check " + h.command[0];
  const auto field = [&](const char* name, const std::optional<int>& v, const char* unit) {
    if (v) out += fmt::format(", {} {}{}", name, *v, unit);
  };
  field("interval", h.interval, "s");
  field("timeout", h.timeout, "s");
  field("retries", h.retries, "");
  field("startPeriod", h.start_period, "s");
  if (!h.interval || !h.timeout || !h.retries || !h.start_period)
    out += " (ECS defaults for the rest)";
  return out;
}

std::string summarize(const EcsTaskDefinition& task) {
  std::string out = fmt::format(
      "ECS task definition '{}' ({}): {} container{}, cpu {}{}, memory {}{}, network {}\n",
      task.family,
      task.fargate() ? "FARGATE"
                     : (task.requires_compatibilities.empty() ? "EC2 (default)" : "EC2"),
      task.containers.size(), task.containers.size() == 1 ? "" : "s", task.total_cpu().to_string(),
      task.cpu ? "" : " (sum of containers)", task.total_memory().to_string(),
      task.memory ? "" : " (sum of containers)",
      task.network_mode.empty() ? "default" : task.network_mode);
  for (const auto& c : task.containers) {
    out += fmt::format(
        "  {}: image {}, cpu {} ({} units), memory {}{}, {} port{}{}\n", c.name, c.image,
        c.cpu.to_string(), c.cpu_units, c.memory ? c.memory->to_string() : std::string{"-"},
        c.memory_reservation ? " (soft " + c.memory_reservation->to_string() + ")" : "",
        c.port_mappings.size(), c.port_mappings.size() == 1 ? "" : "s",
        c.essential ? "" : ", not essential");
    if (const auto& h = c.health_check) out += "    " + describe(*h) + "\n";
  }
  for (const auto& pc : task.placement_constraints)
    out += fmt::format("  constraint {} {}\n", pc.type, pc.expression);
  return out;
}

}  // namespace vmcsim::app::importers
