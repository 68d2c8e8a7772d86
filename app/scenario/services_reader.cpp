// `services`: what runs, with its requests, limits, work, autoscaling and placement rules.
#include <algorithm>

#include "app/scenario/section_readers.hpp"
#include "models/placement/query.hpp"
#include "sim/parse_error.hpp"

namespace vmcsim::app::scenario {

const KeyTables& service_key_tables() {
  static const KeyTables tables{
      {"service",
       {"name",
        "image",
        "cpu",
        "cpu_limit",
        "memory",
        "memory_limit",
        "replicas",
        "work",
        "app_init",
        "ecs_task_definition",
        "kubernetes",
        "autoscaling",
        "placement_constraints",
        "labels",
        "affinity",
        "anti_affinity",
        "topology_spread",
        "tenant",
        "namespace",
        "runtime_class",
        "tolerations",
        "node_selector",
        "node_affinity",
        "function",
        "probes",
        "health_check",
        "disruption_budget",
        "deployment"}},
      {"work", {"cpu_time", "io_bytes"}},
  };
  return tables;
}

namespace {

bool placement_constraint_known(const std::string& c) {
  return c == "distinctInstance" ||
         (c.rfind("memberOf(", 0) == 0 && c.size() > 10 && c.back() == ')');
}

// The expression of memberOf(EXPRESSION) must parse as the placement model will parse it.
void check_member_of(const Field& f, const std::string& c) {
  if (c.rfind("memberOf(", 0) != 0) return;
  const std::string expression = c.substr(9, c.size() - 10);
  try {
    (void)models::placement::ClusterQuery::parse(expression);
  } catch (const sim::ParseError& e) {
    f.fail(e.what());  // "memberOf expression '...': at column N: ..."
  }
}

// With an autoscaler, the replicas to start lie within [min_replicas, max_replicas]: more than
// the maximum is an error; fewer than the minimum (0 or an omitted count) starts the minimum,
// as Kubernetes' HPA and ECS service auto scaling do, and is recorded as assumed.
void fit_replicas_to_autoscaler(ReadContext& cx, const Field& f, Service& sv) {
  const Autoscaling& a = sv.autoscaling;
  if (a.kind == AutoscalerKind::none) return;
  if (sv.replicas > a.max_replicas)
    f["replicas"].fail(fmt::format(
        "{} is above autoscaling.max_replicas ({}): the autoscaler never runs more; lower "
        "replicas or raise max_replicas",
        sv.replicas, a.max_replicas));
  if (sv.replicas >= a.min_replicas) return;
  cx.assume({f.path + ".replicas", std::to_string(a.min_replicas),
             fmt::format("{} raised to autoscaling.min_replicas (the autoscaler never runs fewer)",
                         sv.replicas_written ? std::to_string(sv.replicas) : "the default 1"),
             f["replicas"].where()});
  sv.replicas = a.min_replicas;
}

// The source file (ECS task definition or Kubernetes manifest) a service is imported from.
void read_import(ReadContext& cx, const Field& f, Service& sv) {
  if (auto e = f.optional("ecs_task_definition")) sv.ecs_task_definition = cx.resolve_file(*e);
  if (auto k = f.optional("kubernetes")) sv.kubernetes = cx.resolve_file(*k);
  if (!sv.ecs_task_definition.empty() && !sv.kubernetes.empty())
    f["kubernetes"].fail("give either ecs_task_definition or kubernetes, not both");
}

// cpu, memory and their limits; an imported service may take them from its file.
void read_resources(const ReadContext& cx, const Field& f, bool imported, Service& sv,
                    const Scenario& s) {
  std::optional<Field> cpu = imported ? f.optional("cpu") : f.required("cpu");
  std::optional<Field> memory = imported ? f.optional("memory") : f.required("memory");
  if (cpu) sv.cpu_request = sv.cpu_limit = cpu->positive<sim::Millicores>();
  if (memory) sv.memory_request = sv.memory_limit = memory->positive<sim::Bytes>();
  if (auto l = f.optional("cpu_limit")) {
    if (l->text() == "none") {
      sv.cpu_limit = sim::Millicores{};
    } else {
      sv.cpu_limit = l->positive<sim::Millicores>();
      if (sv.cpu_limit < sv.cpu_request) l->fail("must not be below the request (cpu)");
    }
  }
  if (auto l = f.optional("memory_limit")) {
    sv.memory_limit = l->positive<sim::Bytes>();
    if (sv.memory_limit < sv.memory_request) l->fail("must not be below the request (memory)");
  }
  if (cpu && memory && cx.hosts_complete) check_fits(*cpu, *memory, sv, s);
}

Work read_work(const Field& w) {
  w.check_keys(keys("work"));
  Work work;
  if (auto c = w.optional("cpu_time")) work.cpu_time = read_distribution<sim::Time>(*c);
  if (auto b = w.optional("io_bytes")) work.io_bytes = read_distribution<sim::Bytes>(*b);
  return work;
}

// placement_constraints, labels, affinity, anti_affinity, topology_spread.
void read_placement_rules(const Field& f, Service& sv) {
  if (auto p = f.optional("placement_constraints")) {
    for (const Field& c : p->elements()) {
      const std::string text = c.text();
      if (!placement_constraint_known(text))
        c.fail(
            fmt::format("unknown placement constraint '{}' (allowed: distinctInstance, "
                        "memberOf(EXPRESSION))",
                        shorten(text)));
      check_member_of(c, text);
      sv.placement_constraints.push_back(text);
    }
  }
  if (auto l = f.optional("labels")) sv.labels = read_string_map(*l);
  if (auto a = f.optional("affinity"))
    for (const Field& t : a->elements())
      sv.affinity.push_back(read_affinity_term(t));
  if (auto a = f.optional("anti_affinity"))
    for (const Field& t : a->elements())
      sv.anti_affinity.push_back(read_affinity_term(t));
  if (auto a = f.optional("topology_spread"))
    for (const Field& c : a->elements())
      sv.topology_spread.push_back(read_spread_constraint(c));
}

// app_init: the application's own start (e.g. a JVM's 12 s), a duration or a distribution of
// durations, paid on every platform as the profiles' app_init phase. A start takes no negative
// time: a constant below zero or a distribution whose mean is negative is refused here.
TimeDistribution read_app_init(const Field& f) {
  TimeDistribution d = read_distribution<sim::Time>(f);
  if (d.distribution.mean() < 0.0)
    f.fail(fmt::format("must not be negative (a start takes no negative time), got '{}'",
                       shorten(f.text())));
  return d;
}

}  // namespace

Service read_service(ReadContext& cx, const Field& f, const Scenario& s) {
  f.check_keys(keys("service"));
  Service sv;
  sv.where = f.where();
  sv.name = cx.unique_name(f, "service");
  read_import(cx, f, sv);
  const bool imported = !sv.ecs_task_definition.empty() || !sv.kubernetes.empty();
  // With a task definition or manifest, image and resources may come from that file.
  if (auto i = imported ? f.optional("image") : std::optional<Field>{f.required("image")}) {
    sv.image = i->text();
    const bool known = std::any_of(s.images.begin(), s.images.end(),
                                   [&](const Image& im) { return im.name == sv.image; });
    if (!known && cx.failed("image", sv.image)) throw RefersToFailedEntry{};
    if (!known)
      i->fail(fmt::format("undefined image '{}' (define it under images)", shorten(sv.image)));
  }
  read_resources(cx, f, imported, sv, s);
  if (auto r = f.optional("replicas")) {
    sv.replicas = static_cast<int>(r->integer(0, 10'000'000));
    sv.replicas_written = true;
  }
  if (auto w = f.optional("work")) sv.work = read_work(*w);
  if (auto a = f.optional("app_init")) sv.app_init = read_app_init(*a);
  if (auto a = f.optional("autoscaling")) {
    sv.autoscaling = read_autoscaling(*a, sv.replicas);
    sv.autoscaling_written = true;
    fit_replicas_to_autoscaler(cx, f, sv);
  }
  read_placement_rules(f, sv);
  if (auto fn = f.optional("function")) {  // [fn]
    if (sv.autoscaling_written)
      (*fn).fail("a function scales itself (cold starts and keep-alive): drop its autoscaling");
    read_function(*fn, sv);
  }
  read_service_health(cx, f, sv);  // [failures]
  return sv;
}

void check_fits(const Field& cpu, const Field& memory, const Service& sv, const Scenario& s) {
  const HostGroup* largest_cpu = &s.hosts.front();
  const HostGroup* largest_memory = &s.hosts.front();
  for (const HostGroup& g : s.hosts) {
    if (sv.cpu_request <= g.cpu && sv.memory_request <= g.memory) return;
    if (largest_cpu->cpu < g.cpu) largest_cpu = &g;
    if (largest_memory->memory < g.memory) largest_memory = &g;
  }
  if (largest_cpu->cpu < sv.cpu_request)
    cpu.fail(fmt::format("request {} fits no host group (the largest has {}, '{}')", sv.cpu_request,
                         largest_cpu->cpu, largest_cpu->name));
  if (largest_memory->memory < sv.memory_request)
    memory.fail(fmt::format("request {} fits no host group (the largest has {}, '{}')",
                            sv.memory_request, largest_memory->memory, largest_memory->name));
  memory.fail(fmt::format("no host group has both {} CPU and {} memory", sv.cpu_request,
                          sv.memory_request));
}

}  // namespace vmcsim::app::scenario
