// Hostile input to the importers (issue 17): quantities that overflowed or wrapped, deep nesting,
// empty files. Each must be an InputError at FILE:LINE:COL (exit 2), never a wrapped value, a
// crash or "cannot read".
#include <string>

#include <catch2/catch.hpp>

#include "app/importers/alibaba_gpu.hpp"
#include "app/importers/azure_functions.hpp"
#include "app/importers/azure_vm.hpp"
#include "app/importers/ecs_task_definition.hpp"
#include "app/importers/google_2011.hpp"
#include "app/importers/k8s_manifest.hpp"
#include "app/importers/replay_csv.hpp"
#include "fixture_path.hpp"

using namespace vmcsim::app::importers;
using vmcsim::sim::Time;
using vmcsim::test::input_error_of;
using vmcsim::test::TempFile;

namespace {

const std::string kPodHeader =
    "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,"
    "deletion_time,scheduled_time\n";

template <typename Load>
std::string import_error(const TempFile& file, Load load) {
  return input_error_of([&] { load(file.path()); });
}

std::string hostile_ecs_error(const std::string& text) {
  return input_error_of([&] { parse_ecs_task_definition(text, "task.json"); });
}

}  // namespace

TEST_CASE("an Alibaba memory_mib of 2^44 is an error at its field, not \"memory -1MiB\"") {
  const TempFile f("pods-mib.csv", kPodHeader + "p,1000,17592186044416,0,0,,LS,Running,0,10,0\n");
  CHECK(import_error(f, [](const std::string& p) { load_alibaba_pods(p); }) ==
        f.path() +
            ":2:8: error: field 3 (memory_mib): 17592186044416 x 1MiB is beyond the largest "
            "size, 1048576TiB");
  const TempFile n("nodes-mib.csv", "sn,cpu_milli,memory_mib,gpu,model\nn,1,17592186044416,0,\n");
  CHECK(import_error(n, [](const std::string& p) { load_alibaba_nodes(p); }) ==
        n.path() +
            ":2:5: error: field 3 (memory_mib): 17592186044416 x 1MiB is beyond the largest "
            "size, 1048576TiB");
}

TEST_CASE("an Alibaba creation time of 9.3e9 s is an error at its field, not an overflow") {
  const TempFile f("pods-time.csv",
                   kPodHeader + "p,1000,1024,0,0,,LS,Running,9300000000,9300000001,\n");
  CHECK(import_error(f, [](const std::string& p) { load_alibaba_pods(p); }) ==
        f.path() +
            ":2:29: error: field 9 (creation_time): 9300000000 x 1s is beyond the 100-year "
            "range");
}

TEST_CASE("Alibaba CPU beyond 10^9 cores is an error, and totals of many pods saturate") {
  const TempFile f("pods-cpu.csv", kPodHeader + "p,4611686018427388000,1,0,0,,LS,Running,0,1,\n");
  CHECK_THAT(import_error(f, [](const std::string& p) { load_alibaba_pods(p); }),
             Catch::StartsWith(f.path() + ":2:3: error: field 2 (cpu_milli)"));
  // Eight pods of 1EiB each: the summary's total saturates instead of wrapping negative.
  std::string rows = kPodHeader;
  for (int i = 0; i < 8; ++i)
    rows += "p,1000000000000,1099511627776,0,0,,LS,Running,0,1,\n";
  const TempFile many("pods-many.csv", rows);
  CHECK_THAT(summarize(load_alibaba_pods(many.path())),
             Catch::Contains("8,000,000,000 cores, 8192.0 PiB of memory"));
}

TEST_CASE("an Azure core bucket of 4294967298 is an error, not 2 cores") {
  const TempFile f("vmtable.csv", "vm,s,d,0,10,50,20,40,Interactive,4294967298,4\n");
  CHECK(import_error(f, [](const std::string& p) { load_azure_vmtable(p); }) ==
        f.path() +
            ":1:34: error: field 10 (vmcorecountbucket): 4294967298 is out of range "
            "1..2147483647");
  const TempFile open("vmtable-open.csv", "vm,s,d,0,10,50,20,40,Interactive,>24,>64\n");
  const auto table = load_azure_vmtable(open.path());
  REQUIRE(table.vms.size() == 1);
  CHECK(table.vms[0].cores == 24);
  CHECK(table.vms[0].cores_open_ended);
}

TEST_CASE("Azure and Google times beyond the range are errors at their field") {
  const TempFile vm("vmtable-time.csv", "vm,s,d,9300000000,9300000001,50,20,40,I,2,4\n");
  CHECK_THAT(import_error(vm, [](const std::string& p) { load_azure_vmtable(p); }),
             Catch::StartsWith(vm.path() + ":1:8: error: field 4 (vmcreated): 9300000000 x 1s"));
  const TempFile cpu("cpu.csv", "9300000000,vm,1,2,1.5\n");
  CHECK_THAT(import_error(cpu, [](const std::string& p) { load_azure_vm_cpu(p); }),
             Catch::StartsWith(cpu.path() + ":1:1: error: field 1 (timestamp)"));
  const TempFile g("google.csv", "9300000000000000000,,1,0,0,0,u,3,9,0.1,0.1,0.1,0\n");
  CHECK_THAT(import_error(g, [](const std::string& p) { load_google_task_events(p); }),
             Catch::StartsWith(g.path() + ":1:1: error: field 1 (time)"));
  // The trace's own "never" (2^63-1 microseconds) stays Time::max().
  const TempFile never("google-never.csv", "9223372036854775807,,1,0,0,0,u,3,9,0.1,0.1,0.1,0\n");
  CHECK(load_google_task_events(never.path()).events.at(0).time == Time::max());
}

TEST_CASE("integers beyond 64 bits and reals beyond int64 are range errors at their field") {
  const TempFile f("functions.csv",
                   "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f,http,4294967295,"
                   "99999999999999999999\n");
  CHECK(import_error(f, [](const std::string& p) { load_azure_functions(p, "", ""); }) ==
        f.path() + ":2:23: error: field 6 (2): 99999999999999999999 is out of range 0..4294967295");
  const TempFile g("google-class.csv", "1,,1,0,0,0,u,99999999999999999999,9,0.1,0.1,0.1,0\n");
  CHECK_THAT(import_error(g, [](const std::string& p) { load_google_task_events(p); }),
             Catch::Contains("field 8 (scheduling class): 99999999999999999999 is out of range"));
}

TEST_CASE("replay CSV quantities beyond their range are errors at their field") {
  const TempFile f("replay.csv", "timestamp,service,cpu_time,io_bytes\n0,web,1ms,2EiB\n");
  CHECK_THAT(import_error(f, [](const std::string& p) { load_replay_csv(p); }),
             Catch::StartsWith(f.path() + ":2:11: error: field 4 (io_bytes)"));
  const TempFile t("replay-t.csv", "timestamp,service,cpu_time,io_bytes\n9300000000,web,1ms,1\n");
  CHECK_THAT(import_error(t, [](const std::string& p) { load_replay_csv(p); }),
             Catch::StartsWith(t.path() + ":2:1: error: field 1 (timestamp)"));
  // Sums over many lines saturate in the summary rather than wrap.
  const TempFile sum("replay-sum.csv",
                     "timestamp,service,cpu_time,io_bytes\n0,web,36525d,1B\n0,web,36525d,1B\n"
                     "0,web,36525d,1B\n");
  CHECK_THAT(summarize(load_replay_csv(sum.path())), Catch::Contains("cpu 9223372036.854775807s"));
}

TEST_CASE("an ECS cpu of \"4194304 vCPU\" is out of range at its line, not a wrapped value") {
  const std::string task =
      "{\n  \"family\": \"f\",\n  \"cpu\": \"4194304 vCPU\",\n  \"memory\": \"512\",\n"
      "  \"containerDefinitions\": [{\"name\": \"a\", \"image\": \"i\"}]\n}\n";
  CHECK(hostile_ecs_error(task) ==
        "task.json:3:10: error: /cpu: '4194304 vCPU' is out of range (at most 1000000000 CPU "
        "units)");
  CHECK_THAT(hostile_ecs_error(R"({"family":"f","cpu":"99999999999","memory":"512",
      "containerDefinitions":[{"name":"a","image":"i"}]})"),
             Catch::Contains("/cpu: '99999999999' is out of range"));
  CHECK_THAT(hostile_ecs_error(R"({"family":"f","cpu":"-4194304 vCPU","memory":"512",
      "containerDefinitions":[{"name":"a","image":"i"}]})"),
             Catch::Contains("/cpu: '-4194304 vCPU' is not CPU units"));
  const auto ok = parse_ecs_task_definition(R"({"family":"f","cpu":"16 vCPU","memory":"512",
      "containerDefinitions":[{"name":"a","image":"i"}]})",
                                            "task.json");
  CHECK(ok.cpu_units == 16384);
}

TEST_CASE("an ECS error behind a 10,000-deep array is located without a stack overflow") {
  // Within the depth limit, the locator walks deep nesting iteratively.
  const std::string deep = std::string(120, '[') + std::string(120, ']');
  const auto near = locate_json_pointer("{\"a\":" + deep + ",\n \"b\": 1}", "/b", "t");
  CHECK(near.line == 2);
  CHECK(near.column == 7);
  const std::string very_deep = std::string(10'000, '[') + std::string(10'000, ']');
  const auto far = locate_json_pointer("{\"a\":" + very_deep + ",\n \"b\": 1}", "/b", "t");
  CHECK(far.line == 2);
  CHECK(far.column == 7);
  // The parser refuses nesting beyond 128 levels, naming where it starts.
  CHECK(hostile_ecs_error("{\"family\":\"f\",\"x\":" + very_deep + "}") ==
        "task.json:1:146: error: invalid JSON: nested deeper than 128 levels");
}

TEST_CASE("an empty ECS or Kubernetes file says it is empty, not that it cannot be read") {
  const TempFile ecs("empty.json", "");
  CHECK(input_error_of([&] { load_ecs_task_definition(ecs.path()); }) ==
        ecs.path() + ": error: the file is empty");
  const TempFile k8s("empty.yaml", "");
  CHECK(input_error_of([&] { load_k8s_manifests(k8s.path()); }) ==
        k8s.path() + ": error: the file is empty");
  CHECK(hostile_ecs_error("  \n") ==
        "task.json: error: the file is empty (expected a JSON task definition)");
}

TEST_CASE("a Kubernetes manifest the YAML parser cannot get through is an error, not a hang") {
  const std::string e =
      input_error_of([] { parse_k8s_manifests(",      : x\nkind: Deployment\n", "m.yaml"); });
  CHECK_THAT(e, Catch::Contains("m.yaml:1:1"));
  CHECK_THAT(e, Catch::Contains("cannot read past this point"));
}

TEST_CASE("a Kubernetes manifest of more than ten thousand documents is refused") {
  std::string text;
  for (int i = 0; i < 10001; ++i)
    text += "---\nkind: ConfigMap\n";
  const std::string e = input_error_of([&] { parse_k8s_manifests(text, "m.yaml"); });
  CHECK_THAT(e, Catch::Contains("more than 10000 YAML documents"));
}

TEST_CASE("an ECS task definition with a number beyond a double is an error at the number") {
  // Found by the ecs fuzz target (tests/data/fuzz/ecs/crash-e747636c...): nlohmann reports such
  // a number as out_of_range 406, not as a parse_error, and it escaped the importer (exit 1).
  const std::string text = "{\n  \"family\": \"web\",\n  \"cpu\": 1e999\n}\n";
  try {
    (void)vmcsim::app::importers::parse_ecs_task_definition(text, "task.json");
    FAIL("the task definition was read");
  } catch (const vmcsim::app::InputError& e) {
    const std::string what = e.what();
    CHECK(what.find("task.json:3:10") != std::string::npos);
    CHECK(what.find("number overflow") != std::string::npos);
  }
}
