// Trace importers against the shared fixtures (exact counts, spot-checked values) and against
// small broken files written here (each error names file, line, column and field).
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "app/importers/alibaba_gpu.hpp"
#include "app/importers/azure_functions.hpp"
#include "app/importers/azure_vm.hpp"
#include "app/importers/google_2011.hpp"
#include "app/importers/replay_csv.hpp"
#include "fixture_path.hpp"

using namespace vmcsim::app::importers;
using vmcsim::app::InputError;
using vmcsim::sim::Bytes;
using vmcsim::sim::Millicores;
using vmcsim::sim::Time;
using vmcsim::test::fixture;
using vmcsim::test::TempFile;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("the Alibaba GPU 2023 pod list imports every pod with its fields") {
  const auto path = fixture("traces/alibaba-gpu-2023/openb_pod_list_default.csv");
  const auto list = load_alibaba_pods(path);
  REQUIRE(list.pods.size() == 8152);
  CHECK(list.report.records == 8152);
  CHECK(list.report.skipped == 0);

  const auto& first = list.pods.front();
  CHECK(first.name == "openb-pod-0000");
  CHECK(first.cpu == Millicores{12000});
  CHECK(first.memory == Bytes::mib(16384));
  CHECK(first.num_gpu == 1);
  CHECK(first.gpu_milli == 1000);
  CHECK(first.gpu_spec.empty());
  CHECK(first.qos == "LS");
  CHECK(first.phase == "Running");
  CHECK(first.creation == Time::zero());
  CHECK(first.deletion == Time::from_s(12537496));
  REQUIRE(first.scheduled.has_value());
  CHECK(*first.scheduled == Time::zero());

  const auto& last = list.pods.back();
  CHECK(last.name == "openb-pod-8151");
  CHECK(last.gpu_milli == 590);
  CHECK(last.phase == "Failed");
  CHECK(last.scheduled == Time::from_s(12901762));

  // An empty scheduled_time is a pod that never got scheduled (all 897 are Pending).
  const auto& pending = list.pods[61];
  CHECK(pending.name == "openb-pod-0061");
  CHECK(pending.phase == "Pending");
  CHECK_FALSE(pending.scheduled.has_value());
  std::size_t unscheduled = 0;
  Millicores cpu;
  Bytes memory;
  for (const auto& p : list.pods) {
    unscheduled += !p.scheduled;
    cpu += p.cpu;
    memory += p.memory;
  }
  CHECK(unscheduled == 897);
  CHECK(cpu == Millicores{85436012});
  CHECK(memory == Bytes::mib(303546211));

  const auto summary = summarize(list);
  CHECK_THAT(summary, Catch::Contains("8,152 pods, 897 never scheduled"));
  CHECK_THAT(summary, Catch::Contains("Pending 897"));
}

TEST_CASE("the Alibaba GPU 2023 node list imports every node, empty model meaning no GPU") {
  const auto list =
      load_alibaba_nodes(fixture("traces/alibaba-gpu-2023/openb_node_list_all_node.csv"));
  REQUIRE(list.nodes.size() == 1523);
  CHECK(list.nodes.front().name == "openb-node-0000");
  CHECK(list.nodes.front().gpus == 0);
  CHECK(list.nodes.front().model.empty());
  CHECK(list.nodes[123].name == "openb-node-0123");
  CHECK(list.nodes[123].cpu == Millicores{64000});
  CHECK(list.nodes[123].memory == Bytes::gib(256));
  CHECK(list.nodes[123].gpus == 2);
  CHECK(list.nodes[123].model == "P100");
  std::int64_t gpus = 0;
  Millicores cpu;
  for (const auto& n : list.nodes) {
    gpus += n.gpus;
    cpu += n.cpu;
  }
  CHECK(gpus == 6212);
  CHECK(cpu == Millicores{125514000});
  CHECK_THAT(summarize(list), Catch::Contains("1,523 nodes") && Catch::Contains("6212 GPUs"));
}

TEST_CASE("Google 2011 task events import with and without the header row") {
  const auto path = fixture("traces/google-2011-sample/task-events-sample-1.csv");
  const auto with_header = load_google_task_events(path);
  REQUIRE(with_header.events.size() == 32);
  CHECK(with_header.report.records == 32);

  const std::string text = slurp(path);
  TempFile bare("task-events-no-header.csv", text.substr(text.find('\n') + 1));
  const auto without_header = load_google_task_events(bare.path());
  REQUIRE(without_header.events.size() == 32);

  for (const auto* events : {&with_header, &without_header}) {
    const auto& e0 = events->events.front();
    CHECK(e0.time == Time::zero());
    CHECK(e0.job_id == 1);
    CHECK(e0.task_index == 0);
    CHECK(e0.machine_id == 0);
    CHECK(e0.type == GoogleTaskEventType::submit);
    CHECK(e0.user == "RyCO/1PCdI6fV/w+5a72xg=");
    CHECK(e0.scheduling_class == 3);
    CHECK(e0.priority == 9);
    CHECK(e0.cpu_request == Approx(0.125));
    CHECK(e0.memory_request == Approx(0.07446));
    CHECK(e0.disk_request == Approx(0.2122));
    CHECK_FALSE(e0.different_machine);
    // Job 3's task has no machine yet: an empty field, not machine 0.
    CHECK_FALSE(events->events[5].machine_id.has_value());
    const auto& fail = events->events[16];
    CHECK(fail.time == Time::from_s(21));
    CHECK(fail.type == GoogleTaskEventType::fail);
    CHECK(events->events.back().time == Time::from_s(90));
    CHECK(events->events.back().type == GoogleTaskEventType::finish);
  }
  const auto summary = summarize(with_header);
  CHECK_THAT(summary, Catch::Contains("32 events, 4 jobs, 10 tasks"));
  CHECK_THAT(summary, Catch::Contains("submit 10 schedule 11 evict 1 fail 1 finish 9"));
}

TEST_CASE("Google 2011 machine events import with normalised capacities") {
  const auto path = fixture("traces/google-2011-sample/machine-events-sample-1.csv");
  const auto events = load_google_machine_events(path);
  REQUIRE(events.events.size() == 8);
  CHECK(events.events[0].machine_id == 10);
  CHECK(events.events[0].type == GoogleMachineEventType::add);
  CHECK(events.events[0].platform_id == "LGzk1Or/8Ildj2+Lqv0U82NLoni8+J/Yy0U=");
  CHECK(events.events[0].cpu == Approx(0.5));
  CHECK(events.events[0].memory == Approx(0.2493));
  CHECK(events.events[6].time == Time::from_ms(30));
  CHECK(events.events[6].machine_id == 30);
  CHECK(events.events[6].type == GoogleMachineEventType::remove);
  CHECK_THAT(summarize(events),
             Catch::Contains("8 events, 6 machines") && Catch::Contains("add 7 remove 1 update 0"));

  const std::string text = slurp(path);
  TempFile bare("machine-events-no-header.csv", text.substr(text.find('\n') + 1));
  CHECK(load_google_machine_events(bare.path()).events.size() == 8);
}

TEST_CASE("Google 2011 times past the end of the trace become Time::max") {
  TempFile f("late.csv", "9223372036854775807,5,0,p,0.5,0.5\n");
  const auto events = load_google_machine_events(f.path());
  REQUIRE(events.events.size() == 1);
  CHECK(events.events[0].time == Time::max());
}

TEST_CASE("the Azure Functions 2019 files join into per-function counts and percentiles") {
  const std::string dir = "traces/azure-functions-2019-format/";
  const auto trace =
      load_azure_functions(fixture(dir + "invocations.csv"), fixture(dir + "durations.csv"),
                           fixture(dir + "memory.csv"));
  REQUIRE(trace.functions.size() == 4);
  CHECK(trace.unmatched_durations == 0);
  CHECK(trace.unmatched_memory == 0);
  const auto& f = trace.functions[0];
  CHECK(f.id.function.starts_with("c13acdc7"));
  CHECK(f.trigger == "queue");
  REQUIRE(f.per_minute.size() == 1440);
  CHECK(f.per_minute[0] == 5);
  CHECK(f.total_invocations == 1150);
  REQUIRE(f.durations.has_value());
  CHECK(f.durations->average == Time::from_ms(100));
  CHECK(f.durations->count == 57523);
  CHECK(f.durations->minimum == Time::from_ms(99));
  CHECK(f.durations->maximum == Time::from_ms(101));
  REQUIRE(f.durations->percentiles.size() == 7);
  CHECK(f.durations->percentiles[3].percentile == 50);
  CHECK(f.durations->percentiles[3].value == Time::from_ms(100));
  REQUIRE(f.memory.has_value());
  CHECK(f.memory->sample_count == 19342);
  CHECK(f.memory->average == Bytes::mib(120));
  REQUIRE(f.memory->percentiles.size() == 8);
  CHECK(f.memory->percentiles[0].percentile == 1);
  CHECK(f.memory->percentiles[0].value == Bytes::mib(100));
  CHECK(f.memory->percentiles[7].percentile == 100);
  CHECK(f.memory->percentiles[7].value == Bytes::mib(152));

  const auto& timer = trace.functions[3];
  CHECK(timer.trigger == "timer");
  CHECK(timer.per_minute[0] == 0);
  CHECK(timer.per_minute[5] == 5);
  CHECK(timer.total_invocations == 1125);
  CHECK(timer.durations->average == Time::from_ms(125));
  CHECK(timer.memory->average == Bytes::mib(112));
  CHECK_THAT(summarize(trace), Catch::Contains("4 functions, 4525 invocations over 1440 minutes"));
}

TEST_CASE("Azure Functions memory given per application applies to each of its functions") {
  TempFile inv("inv.csv",
               "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f1,http,1,2\no,a,f2,timer,0,3\n");
  TempFile mem("mem.csv",
               "HashOwner,HashApp,SampleCount,AverageAllocatedMb,AverageAllocatedMb_pct50\n"
               "o,a,10,128,130\no,other,5,64,64\n");
  const auto trace = load_azure_functions(inv.path(), "", mem.path());
  REQUIRE(trace.functions.size() == 2);
  CHECK(trace.functions[0].total_invocations == 3);
  CHECK_FALSE(trace.functions[0].durations.has_value());
  for (const auto& f : trace.functions) {
    REQUIRE(f.memory.has_value());
    CHECK(f.memory->average == Bytes::mib(128));
    CHECK(f.memory->percentiles.at(0).value == Bytes::mib(130));
  }
  CHECK(trace.unmatched_memory == 1);
}

TEST_CASE("the Azure VM 2019 gzip samples import") {
  const auto table = load_azure_vmtable(fixture("traces/azure-vm-sample/vmtable.csv.gz"));
  REQUIRE(table.vms.size() == 10);
  const auto& v0 = table.vms[0];
  CHECK(v0.vm_id == "x/XsOfHO4ocsV99i4NluqKDuxctW2MMVmwqOPAlg4wp8mqbBOe3wxBlQo0+Qx+uf");
  CHECK(v0.created == Time::zero());
  CHECK(v0.deleted == Time::from_s(2591700));
  CHECK(v0.max_cpu_percent == Approx(99.369869));
  CHECK(v0.avg_cpu_percent == Approx(3.4240942342446719));
  CHECK(v0.p95_max_cpu_percent == Approx(10.194309));
  CHECK(v0.category == "Delay-insensitive");
  CHECK(v0.cores == 1);
  CHECK(v0.memory == Bytes::mib(1792));  // 1.75 GiB
  CHECK(table.vms[1].memory == Bytes::mib(768));
  CHECK(table.vms[3].cores == 8);
  CHECK(table.vms[3].memory == Bytes::gib(56));
  CHECK(table.vms[6].category == "Unkown");  // sic, as in the trace

  const auto cpu =
      load_azure_vm_cpu(fixture("traces/azure-vm-sample/vm_cpu_readings-file-1-of-125.csv.gz"));
  REQUIRE(cpu.readings.size() == 100);
  CHECK(cpu.readings[0].time == Time::zero());
  CHECK(cpu.readings[0].vm_id ==
        "+ZcrOp5/c/fJ6mVgP5qMZlOAGDwyjaaDNM0WoWOt2IDb47gT0UwK9lFwkPQv3C7Q");
  CHECK(cpu.readings[0].min_cpu_percent == Approx(2.052803));
  CHECK(cpu.readings[0].max_cpu_percent == Approx(3.911587));
  CHECK(cpu.readings[0].avg_cpu_percent == Approx(2.86979));
  CHECK(cpu.readings.back().avg_cpu_percent == Approx(1.448937));
  CHECK_THAT(summarize(cpu), Catch::Contains("100 readings, 100 VMs, 1 timestamps"));
  CHECK_THAT(summarize(table), Catch::Contains("10 VMs"));
}

TEST_CASE("Azure VM open-ended buckets keep their bound and say so") {
  TempFile f("vm.csv", "v,s,d,0,300,90,10,50,Interactive,>24,>64\n");
  const auto table = load_azure_vmtable(f.path());
  REQUIRE(table.vms.size() == 1);
  CHECK(table.vms[0].cores == 24);
  CHECK(table.vms[0].cores_open_ended);
  CHECK(table.vms[0].memory == Bytes::gib(64));
  CHECK(table.vms[0].memory_open_ended);
}

TEST_CASE("the replay CSV reads units or seconds and bytes") {
  TempFile f("replay.csv",
             "timestamp,service,cpu_time,io_bytes\r\n0,web,12ms,64KiB\r\n0.25,web,0.004,65536\r\n"
             "\r\n1.5s,api,20ms,1MiB\r\n");
  const auto trace = load_replay_csv(f.path());
  REQUIRE(trace.requests.size() == 3);
  CHECK(trace.requests[0].timestamp == Time::zero());
  CHECK(trace.requests[0].cpu_time == Time::from_ms(12));
  CHECK(trace.requests[0].io_bytes == Bytes::kib(64));
  CHECK(trace.requests[1].timestamp == Time::from_ms(250));
  CHECK(trace.requests[1].cpu_time == Time::from_ms(4));
  CHECK(trace.requests[1].io_bytes == Bytes{65536});
  CHECK(trace.requests[2].service == "api");
  CHECK(trace.requests[2].timestamp == Time::from_ms(1500));
  CHECK(trace.requests[2].io_bytes == Bytes::mib(1));
  const auto summary = summarize(trace);
  CHECK_THAT(summary, Catch::Contains("3 requests to 2 services over 1.5s"));
  CHECK_THAT(summary, Catch::Contains("web: 2 requests, cpu 16ms, io 128KiB"));
}

namespace {}  // namespace

TEST_CASE("each broken trace line names its file, line, column and field") {
  const auto pods = [](const std::string& p) {
    return vmcsim::test::input_error_of([&] { load_alibaba_pods(p); });
  };
  const auto nodes = [](const std::string& p) {
    return vmcsim::test::input_error_of([&] { load_alibaba_nodes(p); });
  };
  const auto tasks = [](const std::string& p) {
    return vmcsim::test::input_error_of([&] { load_google_task_events(p); });
  };
  const auto machines = [](const std::string& p) {
    return vmcsim::test::input_error_of([&] { load_google_machine_events(p); });
  };
  const auto vms = [](const std::string& p) {
    return vmcsim::test::input_error_of([&] { load_azure_vmtable(p); });
  };
  const auto replay = [](const std::string& p) {
    return vmcsim::test::input_error_of([&] { load_replay_csv(p); });
  };
  const auto functions = [](const std::string& p) {
    return vmcsim::test::input_error_of([&] { load_azure_functions(p, "", ""); });
  };
  const std::string pod_header =
      "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,"
      "deletion_time,scheduled_time\n";
  const std::string pod_ok = "p0,1000,1024,1,1000,,LS,Running,0,10,0\n";
  struct Case {
    std::string name, content;
    std::function<std::string(const std::string&)> run;
    std::string expected;  // what() after the file name
  };
  const std::vector<Case> corpus{
      {"pod-cpu.csv", pod_header + pod_ok + "p1,lots,1024,1,1000,,LS,Running,0,10,0\n", pods,
       ":3:4: error: field 2 (cpu_milli): 'lots' is not an integer"},
      {"pod-fields.csv", pod_header + pod_ok + pod_ok + "p2,1000,1024,1,1000\n", pods,
       ":4: error: expected 11 fields, found 5"},
      {"pod-deletion.csv", pod_header + "p1,1000,1024,1,1000,,LS,Running,50,10,\n", pods,
       ":2:36: error: field 10 (deletion_time): deletion before creation"},
      {"pod-header.csv", "name,cpu,memory_mib\n", pods,
       ":1: error: header lacks column 'cpu_milli' (expected columns: name,cpu_milli,memory_mib,"
       "num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time)"},
      {"node-model.csv", "sn,cpu_milli,memory_mib,gpu,model\nn0,1000,1024,0,\nn1,1000,1024,2,\n",
       nodes, ":3:16: error: field 5 (model): a node with GPUs needs a model"},
      {"task-type.csv", "0,,1,0,0,9,u,3,9,0.1,0.1,0.1,0\n", tasks,
       ":1:10: error: field 6 (event type): 9 is out of range 0..8"},
      {"task-job.csv", "#header\n0,,1,0,0,0,u,3,9,0.1,0.1,0.1,0\n0,,x1,0,0,0,u,3,9,0.1,0.1,0.1,0\n",
       tasks, ":3:4: error: field 3 (job id): 'x1' is not an integer"},
      {"task-cpu.csv", "0,,1,0,0,0,u,3,9,-0.1,0.1,0.1,0\n", tasks,
       ":1:18: error: field 10 (cpu request): negative normalised value"},
      {"machine-time.csv", "0,1,0,p,0.5,0.5\n\n-5,1,0,p,0.5,0.5\n", machines,
       ":3:1: error: field 1 (time): negative time"},
      {"vm-bucket.csv", "v,s,d,0,300,90,10,50,Interactive,two,4\n", vms,
       ":1:34: error: field 10 (vmcorecountbucket): 'two' is not an integer"},
      {"replay-order.csv", "timestamp,service,cpu_time,io_bytes\n2s,web,1ms,0\n1s,web,1ms,0\n",
       replay, ":3:1: error: field 1 (timestamp): timestamp 1s is before the previous line's 2s"},
      {"replay-io.csv", "timestamp,service,cpu_time,io_bytes\n0,web,1ms,12 parsecs\n", replay,
       ":2:11: error: field 4 (io_bytes): invalid size '12 parsecs': unknown unit"},
      {"replay-service.csv", "timestamp,service,cpu_time,io_bytes\n0,,1ms,0\n", replay,
       ":2:3: error: field 2 (service): empty service name"},
      {"functions-minute.csv", "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f,http,1,-2\n",
       functions, ":2:14: error: field 6 (2): -2 is out of range"},
  };
  for (const auto& c : corpus) {
    TempFile f(c.name, c.content);
    const std::string what = c.run(f.path());
    INFO(c.name << ": " << what);
    CHECK(what.starts_with(f.path() + c.expected));
  }
}

TEST_CASE("a missing trace file is an input error naming the path") {
  try {
    load_alibaba_pods("/nonexistent/pods.csv");
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) ==
          "/nonexistent/pods.csv: error: cannot open '/nonexistent/pods.csv': no such file");
  }
  CHECK_THROWS_AS(load_azure_vm_cpu("/nonexistent/cpu.csv.gz"), InputError);
}

TEST_CASE("a corrupt gzip trace is an input error, not a crash") {
  TempFile f("broken.csv.gz", "this is not gzip data\n");
  CHECK_THROWS_AS(load_azure_vmtable(f.path()), InputError);
}

TEST_CASE("skip mode counts bad lines, keeps the first messages and imports the rest") {
  std::string content = "timestamp,service,cpu_time,io_bytes\n";
  for (int i = 0; i < 10; ++i) {
    content += std::to_string(i) + ",web,1ms,100\n";
    if (i % 3 == 0) content += std::to_string(i) + ",web,soon,100\n";  // lines 3, 7, 11, 15
  }
  TempFile f("skips.csv", content);
  CHECK_THROWS_WITH(load_replay_csv(f.path()), Catch::Contains(":3:"));

  ImportOptions options;
  options.skip_bad_lines = true;
  options.max_reported_errors = 2;
  const auto trace = load_replay_csv(f.path(), options);
  CHECK(trace.requests.size() == 10);
  CHECK(trace.report.records == 10);
  CHECK(trace.report.skipped == 4);
  REQUIRE(trace.report.first_errors.size() == 2);
  CHECK_THAT(trace.report.first_errors[0], Catch::Contains(f.path() + ":3:"));
  CHECK_THAT(trace.report.first_errors[1], Catch::Contains(f.path() + ":7:"));
  CHECK_THAT(summarize(trace), Catch::Contains("skipped 4 bad lines"));
}
