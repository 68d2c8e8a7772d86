#include <catch2/catch.hpp>

#include <cstddef>
#include <memory_resource>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "sim/distributions.hpp"
#include "sim/process.hpp"
#include "sim/random.hpp"
#include "sim/simulation.hpp"

using namespace vmcsim::sim;
using namespace vmcsim::sim::literals;

namespace {

// Sleeps for each delay in turn, noting the time after each wake-up.
Process sleeper(ProcessPool& pool, std::vector<Time> delays, std::vector<Time>& woke) {
  for (const Time d : delays) {
    co_await timeout(d);
    woke.push_back(pool.simulation().now());
  }
}

Process note_start(ProcessPool& pool, std::vector<std::string>& log, std::string name) {
  log.push_back(fmt::format("{} starts at {}", name, pool.simulation().now()));
  co_return;
}

Process fail_after(ProcessPool&, Time delay, std::string message) {
  co_await timeout(delay);
  throw std::runtime_error(message);
}

// Waits for `child`, noting when it came back or what it rethrew.
Process join_and_note(ProcessPool& pool, Process& child, std::vector<std::string>& log) {
  try {
    co_await child;
    log.push_back(fmt::format("joined at {}", pool.simulation().now()));
  } catch (const std::exception& e) {
    log.push_back(fmt::format("joined at {} with: {}", pool.simulation().now(), e.what()));
  }
}

template <class T>
Process await_event(ProcessPool& pool, Event<T>& event, std::vector<std::string>& log,
                    std::string name) {
  try {
    const T value = co_await event;
    log.push_back(fmt::format("{} got {} at {}", name, value, pool.simulation().now()));
  } catch (const std::exception& e) {
    log.push_back(fmt::format("{} caught: {}", name, e.what()));
  }
}

// Counts what a pool asks its upstream for.
class CountingResource : public std::pmr::memory_resource {
 public:
  std::size_t allocations = 0;
  std::size_t outstanding = 0;

 private:
  void* do_allocate(std::size_t bytes, std::size_t alignment) override {
    ++allocations;
    ++outstanding;
    return std::pmr::new_delete_resource()->allocate(bytes, alignment);
  }
  void do_deallocate(void* p, std::size_t bytes, std::size_t alignment) override {
    --outstanding;
    std::pmr::new_delete_resource()->deallocate(p, bytes, alignment);
  }
  bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override {
    return this == &other;
  }
};

}  // namespace

TEST_CASE("a timeout resumes the process after its delay") {
  Simulation sim;
  ProcessPool pool{sim};
  std::vector<Time> woke;
  sim.schedule_at(1_s, [] {});
  sim.run();  // the process starts at 1 s
  Process p = sleeper(pool, {250_ms, 0_ms, 2_s}, woke);
  CHECK(p.state() == ProcessState::scheduled);
  sim.run();
  CHECK(woke == std::vector<Time>{1250_ms, 1250_ms, 3250_ms});
  CHECK(p.state() == ProcessState::succeeded);
  CHECK(p.exception() == nullptr);
}

Process member_sleeper(ProcessPool& pool, Time delay, std::vector<Time>& woke) {
  co_await pool.simulation().timeout(delay);
  woke.push_back(pool.simulation().now());
}

TEST_CASE("co_await sim.timeout(d) waits like the free timeout(d)") {
  Simulation sim;
  ProcessPool pool{sim};
  std::vector<Time> woke;
  Process p = member_sleeper(pool, 750_ms, woke);
  sim.run();
  CHECK(woke == std::vector<Time>{750_ms});
  CHECK_THROWS_AS(sim.timeout(-1_ms), std::invalid_argument);
}

TEST_CASE("a started process runs from an event at now, after its caller carries on") {
  Simulation sim;
  ProcessPool pool{sim};
  std::vector<std::string> log;
  Process a = note_start(pool, log, "a");
  log.push_back("caller carries on");
  sim.schedule_in(0_s, [&] { log.push_back("event scheduled after a"); });
  Process b = note_start(pool, log, "b");
  CHECK(log == std::vector<std::string>{"caller carries on"});
  sim.run();
  CHECK(log == std::vector<std::string>{"caller carries on", "a starts at 0s",
                                        "event scheduled after a", "b starts at 0s"});
}

TEST_CASE("a zero timeout lets events already due now run first") {
  Simulation sim;
  ProcessPool pool{sim};
  std::vector<std::string> log;
  auto story = [](ProcessPool&, std::vector<std::string>& log) -> Process {
    log.push_back("before");
    co_await timeout(0_s);
    log.push_back("after");
  };
  Process p = story(pool, log);
  sim.schedule_in(0_s, [&] { log.push_back("other event"); });
  sim.run();
  CHECK(log == std::vector<std::string>{"before", "other event", "after"});
}

TEST_CASE("a negative timeout is refused where it is written") {
  CHECK_THROWS_AS(timeout(-1_ms), std::invalid_argument);
}

TEST_CASE("joining a process resumes the joiner when the child finishes") {
  Simulation sim;
  ProcessPool pool{sim};
  std::vector<Time> woke;
  std::vector<std::string> log;
  Process child = sleeper(pool, {3_s}, woke);
  Process first = join_and_note(pool, child, log);
  Process second = join_and_note(pool, child, log);
  sim.run();
  CHECK(log == std::vector<std::string>{"joined at 3s", "joined at 3s"});
  CHECK(first.finished());
  CHECK(second.finished());

  Process late = join_and_note(pool, child, log);  // the child has finished: no wait
  sim.run();
  CHECK(log.back() == "joined at 3s");
  CHECK(sim.now() == 3_s);
}

TEST_CASE("a process awaited as a temporary runs as a step of the story and is freed after it") {
  Simulation sim;
  ProcessPool pool{sim};
  std::vector<Time> woke;
  auto story = [](ProcessPool& pool, std::vector<Time>& woke) -> Process {
    // Not `sleeper(pool, {1_s, 1_s}, woke)`: GCC 12 rejects a braced list inside a co_await.
    std::vector<Time> first{1_s, 1_s}, second{5_s};
    co_await sleeper(pool, std::move(first), woke);
    co_await sleeper(pool, std::move(second), woke);
    woke.push_back(-pool.simulation().now());  // negative: marks the story's own step
  };
  Process p = story(pool, woke);
  sim.run_until(1500_ms);
  CHECK(pool.frames_in_use() == 2);  // the story and its first step
  sim.run();
  CHECK(woke == std::vector<Time>{1_s, 2_s, 7_s, -7_s});
  CHECK(pool.frames_in_use() == 1);  // the finished story, until its handle goes
  p.reset();
  CHECK(pool.frames_in_use() == 0);
}

TEST_CASE("an event wakes its waiters with the value passed to succeed, in the order they waited") {
  Simulation sim;
  ProcessPool pool{sim};
  std::vector<std::string> log;
  Event<int> ready;
  Process a = await_event(pool, ready, log, "a");
  Process b = await_event(pool, ready, log, "b");
  sim.schedule_at(2_s, [&] {
    ready.succeed(42);
    log.push_back("succeed returned");  // the waiters run from events, after this callback
  });
  sim.run();
  CHECK(log == std::vector<std::string>{"succeed returned", "a got 42 at 2s", "b got 42 at 2s"});
  CHECK(ready.triggered());
  CHECK(ready.value() == 42);

  Process late = await_event(pool, ready, log, "late");  // already triggered: at once
  sim.run();
  CHECK(log.back() == "late got 42 at 2s");
}

TEST_CASE("a waiter keeps its value when the event is destroyed before the waiter runs") {
  Simulation sim;
  ProcessPool pool{sim};
  std::vector<std::string> log;
  auto event = std::make_unique<Event<std::string>>();
  Process a = await_event(pool, *event, log, "a");
  sim.schedule_at(1_s, [&] {
    event->succeed("booted");
    event.reset();
  });
  sim.run();
  CHECK(log == std::vector<std::string>{"a got booted at 1s"});
}

TEST_CASE("an event without a value wakes its waiters") {
  Simulation sim;
  ProcessPool pool{sim};
  Event<> go;
  std::vector<Time> woke;
  auto waiter = [](ProcessPool& pool, Event<>& go, std::vector<Time>& woke) -> Process {
    co_await go;
    woke.push_back(pool.simulation().now());
  };
  Process p = waiter(pool, go, woke);
  sim.schedule_at(4_s, [&] { go.succeed(); });
  sim.run();
  CHECK(woke == std::vector<Time>{4_s});
}

TEST_CASE("a failed event rethrows its error in every waiter, and triggers only once") {
  Simulation sim;
  ProcessPool pool{sim};
  std::vector<std::string> log;
  Event<int> pulled;
  Process a = await_event(pool, pulled, log, "a");
  Process b = await_event(pool, pulled, log, "b");
  sim.schedule_at(1_s, [&] {
    pulled.fail(std::make_exception_ptr(std::runtime_error("registry unreachable")));
  });
  sim.run();
  CHECK(log == std::vector<std::string>{"a caught: registry unreachable",
                                        "b caught: registry unreachable"});
  CHECK_THROWS_AS(pulled.succeed(1), std::logic_error);
  CHECK_THROWS_AS(pulled.fail(std::make_exception_ptr(std::runtime_error("x"))), std::logic_error);
}

TEST_CASE("destroying an event wakes its waiters with an error instead of leaving them waiting") {
  Simulation sim;
  ProcessPool pool{sim};
  std::vector<std::string> log;
  auto event = std::make_unique<Event<int>>();
  Process a = await_event(pool, *event, log, "a");
  sim.schedule_at(1_s, [&] { event.reset(); });
  sim.run();
  REQUIRE(log.size() == 1);
  CHECK(log[0] == "a caught: sim::Event destroyed while a process waited on it");
}

TEST_CASE(
    "interrupting a waiting process cancels its timeout and throws Interrupted where it waits") {
  Simulation sim;
  ProcessPool pool{sim};
  std::vector<std::string> log;
  auto boot = [](ProcessPool& pool, std::vector<std::string>& log) -> Process {
    try {
      co_await timeout(10_s);
      log.push_back("booted");
    } catch (const Interrupted& i) {
      log.push_back(fmt::format("interrupted at {}: {}", pool.simulation().now(), i.cause()));
    }
    co_await timeout(1_s);  // it carries on after catching
    log.push_back(fmt::format("cleaned up at {}", pool.simulation().now()));
  };
  Process p = boot(pool, log);
  sim.schedule_at(3_s, [&] { CHECK(p.interrupt("host failed")); });
  sim.run();
  CHECK(log == std::vector<std::string>{"interrupted at 3s: host failed", "cleaned up at 4s"});
  CHECK(sim.now() == 4_s);  // the 10 s timeout never fired
  CHECK(p.state() == ProcessState::succeeded);
  CHECK_FALSE(p.interrupt("too late"));  // finished: nothing to interrupt
}

TEST_CASE("a second interrupt on its way to a process is refused") {
  Simulation sim;
  ProcessPool pool{sim};
  std::vector<Time> woke;
  Process p = sleeper(pool, {10_s}, woke);
  sim.run_until(1_s);
  CHECK(p.interrupt("first"));
  CHECK_FALSE(p.interrupt("second"));
  sim.run();
  CHECK(p.state() == ProcessState::interrupted);
}

TEST_CASE("an uncaught interrupt ends the process as interrupted, and its joiners learn why") {
  Simulation sim;
  ProcessPool pool{sim};
  std::vector<Time> woke;
  std::vector<std::string> log;
  Process child = sleeper(pool, {10_s}, woke);
  Process parent = join_and_note(pool, child, log);
  sim.schedule_at(2_s, [&] { child.interrupt("scale-in"); });
  CHECK_NOTHROW(sim.run());  // interrupting is not an error of the run
  CHECK(child.state() == ProcessState::interrupted);
  CHECK(woke.empty());
  CHECK(log == std::vector<std::string>{"joined at 2s with: process interrupted: scale-in"});
  CHECK(sim.now() == 2_s);
}

TEST_CASE("a process interrupted before it starts ends without running") {
  Simulation sim;
  ProcessPool pool{sim};
  std::vector<std::string> log;
  Process p = note_start(pool, log, "p");
  CHECK(p.interrupt("never mind"));
  sim.run();
  CHECK(log.empty());
  CHECK(p.state() == ProcessState::interrupted);
  CHECK(sim.pending() == 0);
}

TEST_CASE("destroying a waiting process cancels its timeout and frees its frame") {
  Simulation sim;
  ProcessPool pool{sim};
  std::vector<Time> woke;
  Process p = sleeper(pool, {5_s, 5_s}, woke);
  sim.run_until(7_s);
  CHECK(woke == std::vector<Time>{5_s});
  CHECK(pool.frames_in_use() == 1);
  CHECK(sim.pending() == 1);
  p.reset();
  CHECK(pool.frames_in_use() == 0);
  CHECK(sim.pending() == 0);  // the second timeout was cancelled
  sim.run();
  CHECK(woke == std::vector<Time>{5_s});
  CHECK_FALSE(p.valid());
}

TEST_CASE("interrupting a story cancels the sub-process it was waiting for") {
  Simulation sim;
  ProcessPool pool{sim};
  std::vector<Time> woke;
  std::vector<std::string> log;
  auto story = [](ProcessPool& pool, std::vector<Time>& woke,
                  std::vector<std::string>& log) -> Process {
    try {
      std::vector<Time> steps{1_s, 10_s};
      co_await sleeper(pool, std::move(steps), woke);
    } catch (const Interrupted& i) {
      log.push_back(fmt::format("{} at {}", i.cause(), pool.simulation().now()));
    }
  };
  Process p = story(pool, woke, log);
  sim.schedule_at(5_s, [&] { p.interrupt("abort boot"); });
  sim.run();
  CHECK(log == std::vector<std::string>{"abort boot at 5s"});
  CHECK(woke == std::vector<Time>{1_s});  // the sub-process's 11 s wake-up never came
  CHECK(sim.now() == 5_s);
  CHECK(pool.frames_in_use() == 1);  // only the finished story
}

TEST_CASE("destroying a process that others join wakes them with Interrupted") {
  Simulation sim;
  ProcessPool pool{sim};
  std::vector<Time> woke;
  std::vector<std::string> log;
  Process child = sleeper(pool, {10_s}, woke);
  Process parent = join_and_note(pool, child, log);
  sim.schedule_at(1_s, [&] { child.reset(); });
  sim.run();
  CHECK(log == std::vector<std::string>{
                   "joined at 1s with: process interrupted: the process was destroyed"});
}

TEST_CASE("destroying a process that waits on an event takes it off the event's waiters") {
  Simulation sim;
  ProcessPool pool{sim};
  std::vector<std::string> log;
  Event<int> e;
  Process a = await_event(pool, e, log, "a");
  Process b = await_event(pool, e, log, "b");
  sim.run();
  a.reset();
  e.succeed(7);
  sim.run();
  CHECK(log == std::vector<std::string>{"b got 7 at 0s"});
}

TEST_CASE("an exception escaping a process nobody joins is rethrown from run") {
  Simulation sim;
  ProcessPool pool{sim};
  std::vector<Time> woke;
  Process bad = fail_after(pool, 2_s, "disk full");
  Process good = sleeper(pool, {1_s, 2_s}, woke);
  REQUIRE_THROWS_WITH(sim.run(), "disk full");
  CHECK(sim.now() == 2_s);
  CHECK(bad.state() == ProcessState::failed);
  REQUIRE(bad.exception() != nullptr);
  CHECK_THROWS_WITH(std::rethrow_exception(bad.exception()), "disk full");
  sim.run();  // the simulation stays consistent and runs on
  CHECK(woke == std::vector<Time>{1_s, 3_s});
}

TEST_CASE("an exception escaping a joined process is rethrown in the joiner, not from run") {
  Simulation sim;
  ProcessPool pool{sim};
  std::vector<std::string> log;
  Process child = fail_after(pool, 2_s, "image not found");
  Process parent = join_and_note(pool, child, log);
  CHECK_NOTHROW(sim.run());
  CHECK(log == std::vector<std::string>{"joined at 2s with: image not found"});
  CHECK(child.state() == ProcessState::failed);

  // Propagation goes on: a joiner that does not catch fails, and with nobody joining it, run()
  // rethrows.
  auto rethrowing = [](ProcessPool&, Process& child) -> Process { co_await child; };
  Process p = rethrowing(pool, child);
  CHECK_THROWS_WITH(sim.run(), "image not found");
  CHECK(p.state() == ProcessState::failed);
}

TEST_CASE("a process that waits for itself or interrupts itself fails with a logic error") {
  Simulation sim;
  ProcessPool pool{sim};
  struct Self {
    Process p;
  } self;
  auto wait_self = [](ProcessPool&, Self& s) -> Process { co_await s.p; };
  self.p = wait_self(pool, self);
  CHECK_THROWS_AS(sim.run(), std::logic_error);
  auto interrupt_self = [](ProcessPool&, Self& s) -> Process {
    s.p.interrupt();
    co_return;
  };
  self.p = interrupt_self(pool, self);
  CHECK_THROWS_AS(sim.run(), std::logic_error);
}

TEST_CASE("a detached process frees its frame when it finishes, and the pool destroys the others") {
  Simulation sim;
  std::vector<Time> woke;
  {
    ProcessPool pool{sim};
    sleeper(pool, {1_s}, woke).detach();
    sleeper(pool, {1_s, 1_h}, woke).detach();
    CHECK(pool.detached_processes() == 2);
    sim.run_until(10_s);
    CHECK(woke == std::vector<Time>{1_s, 1_s});
    CHECK(pool.detached_processes() == 1);
    CHECK(pool.frames_in_use() == 1);
    CHECK(sim.pending() == 1);
  }
  CHECK(sim.pending() == 0);  // the unfinished one was destroyed with its pool
}

TEST_CASE("a process whose frame is not pooled cannot be detached") {
  Simulation sim;
  auto story = [](Simulation&) -> Process { co_return; };
  Process p = story(sim);
  CHECK_THROWS_AS(std::move(p).detach(), std::logic_error);
  sim.run();
  CHECK(p.state() == ProcessState::succeeded);
}

TEST_CASE("a process with a Simulation argument and no pool takes its frame from the heap") {
  Simulation sim;
  std::vector<Time> woke;
  auto story = [](Simulation& sim, std::vector<Time>& woke) -> Process {
    co_await timeout(2_s);
    woke.push_back(sim.now());
  };
  Process p = story(sim, woke);
  sim.run();
  CHECK(woke == std::vector<Time>{2_s});
}

TEST_CASE("a process refuses a pool that belongs to another simulation") {
  Simulation sim, other;
  ProcessPool pool{other};
  auto story = [](Simulation&, ProcessPool&) -> Process { co_return; };
  CHECK_THROWS_AS(story(sim, pool), std::invalid_argument);
  CHECK(pool.frames_in_use() == 0);
}

namespace {
struct Vm {
  std::vector<Time> phases_done;
  Process boot(ProcessPool& pool) {
    for (const Time d : {1_s, 2_s}) {
      co_await timeout(d);
      phases_done.push_back(pool.simulation().now());
    }
  }
};
}  // namespace

TEST_CASE("a member coroutine runs in the simulation of its pool argument") {
  Simulation sim;
  ProcessPool pool{sim};
  Vm vm;
  Process p = vm.boot(pool);
  CHECK(pool.frames_in_use() == 1);
  sim.run();
  CHECK(vm.phases_done == std::vector<Time>{1_s, 3_s});
}

TEST_CASE("a warm pool starts a thousand processes without asking its upstream for memory") {
  Simulation sim;
  sim.reserve(2'000);
  CountingResource upstream;
  {
    ProcessPool pool{sim, &upstream};
    std::vector<Time> woke;
    woke.reserve(10'000);
    std::vector<Process> processes(1'000);
    auto round = [&] {
      for (auto& p : processes)
        p = sleeper(pool, {1_ms, 2_ms}, woke);
      sim.run();
      for (auto& p : processes)
        p.reset();
    };
    round();  // warm-up
    CHECK(upstream.allocations > 0);
    const std::size_t warm = upstream.allocations;
    round();
    round();
    CHECK(upstream.allocations == warm);
    CHECK(pool.frames_in_use() == 0);
    CHECK(woke.size() == 6'000);
  }
  CHECK(upstream.outstanding == 0);  // the pool gave everything back
}

TEST_CASE("a hundred thousand concurrent processes each finish at their own time") {
  constexpr int kProcesses = 100'000;
  Simulation sim;
  ProcessPool pool{sim};
  std::vector<Time> finished(kProcesses);
  Event<Time> go;
  auto worker = [](ProcessPool& pool, Event<Time>& go, int i, Time& done) -> Process {
    const Time step = co_await go;
    co_await timeout(step * (i % 100));
    co_await timeout(Time::from_ms(i % 7));
    done = pool.simulation().now();
  };
  std::vector<Process> workers;
  workers.reserve(kProcesses);
  for (int i = 0; i < kProcesses; ++i)
    workers.push_back(worker(pool, go, i, finished[static_cast<std::size_t>(i)]));
  sim.schedule_at(1_s, [&] { go.succeed(10_ms); });
  sim.run();
  CHECK(pool.frames_in_use() == kProcesses);
  int wrong = 0;
  for (int i = 0; i < kProcesses; ++i)
    wrong +=
        finished[static_cast<std::size_t>(i)] != 1_s + 10_ms * (i % 100) + Time::from_ms(i % 7);
  CHECK(wrong == 0);
  for (const auto& w : workers)
    wrong += w.state() != ProcessState::succeeded;
  CHECK(wrong == 0);
  workers.clear();
  CHECK(pool.frames_in_use() == 0);
}

// The same story twice: a small fleet boots (three phases, durations from named streams and
// rounded to whole ms, so equal times happen), an orchestrator waits until every VM is ready,
// then a container starts on each VM. Once as processes, once as chained callbacks.
namespace {
constexpr int kVms = 6;
const char* const kPhases[] = {"firmware", "kernel", "init"};

Time phase_time(int vm, const char* phase) {
  RandomStream s{11, 0, fmt::format("vm/{}/{}", vm, phase)};
  return Time::from_ms(static_cast<std::int64_t>(Exponential{0.5}.sample(s) * 1000.0 / 250.0) *
                       250);
}

struct Trace {
  Simulation& sim;
  std::vector<std::string> lines;
  void note(const std::string& what) { lines.push_back(fmt::format("{} {}", sim.now(), what)); }
};

Process vm_boot(ProcessPool&, Trace& t, int vm) {
  for (const char* phase : kPhases) {
    co_await timeout(phase_time(vm, phase));
    t.note(fmt::format("vm{} {} done", vm, phase));
  }
}
Process container_start(ProcessPool&, Trace& t, int vm) {
  co_await timeout(600_ms);
  t.note(fmt::format("container on vm{} ready", vm));
}
Process orchestrate(ProcessPool& pool, Trace& t) {
  std::vector<Process> vms;
  for (int vm = 0; vm < kVms; ++vm)
    vms.push_back(vm_boot(pool, t, vm));
  for (auto& vm : vms)
    co_await vm;
  t.note("fleet ready");
  std::vector<Process> containers;
  for (int vm = 0; vm < kVms; ++vm)
    containers.push_back(container_start(pool, t, vm));
  for (auto& c : containers)
    co_await c;
  t.note("all containers ready");
}

struct CallbackStory {
  Trace& t;
  int ready = 0;
  int containers = 0;
  void start() {
    for (int vm = 0; vm < kVms; ++vm)
      t.sim.schedule_in(0_s, [this, vm] { phase(vm, 0); });
  }
  void phase(int vm, int k) {
    t.sim.schedule_in(phase_time(vm, kPhases[k]), [this, vm, k] {
      t.note(fmt::format("vm{} {} done", vm, kPhases[k]));
      if (k + 1 < 3) return phase(vm, k + 1);
      if (++ready == kVms) t.sim.schedule_in(0_s, [this] { fleet_ready(); });
    });
  }
  void fleet_ready() {
    t.note("fleet ready");
    for (int vm = 0; vm < kVms; ++vm)
      t.sim.schedule_in(600_ms, [this, vm] {
        t.note(fmt::format("container on vm{} ready", vm));
        if (++containers == kVms)
          t.sim.schedule_in(0_s, [this] { t.note("all containers ready"); });
      });
  }
};
}  // namespace

TEST_CASE("a story written as processes gives the same trace as the same story with callbacks") {
  Simulation process_sim;
  Trace process_trace{process_sim, {}};
  {
    ProcessPool pool{process_sim};
    Process p = orchestrate(pool, process_trace);
    process_sim.run();
    CHECK(p.state() == ProcessState::succeeded);
  }
  Simulation callback_sim;
  Trace callback_trace{callback_sim, {}};
  CallbackStory story{callback_trace};
  callback_sim.schedule_in(0_s, [&] { story.start(); });
  callback_sim.run();

  REQUIRE(process_trace.lines.size() == kVms * 3 + 1 + kVms + 1);
  CHECK(process_trace.lines == callback_trace.lines);
  // The durations do tie (ms rounding), so the comparison covers same-time order too.
  int ties = 0;
  for (std::size_t i = 1; i < process_trace.lines.size(); ++i)
    ties += process_trace.lines[i].substr(0, process_trace.lines[i].find(' ')) ==
            process_trace.lines[i - 1].substr(0, process_trace.lines[i - 1].find(' '));
  CHECK(ties >= 3);
}

namespace {
// The example of docs/processes.md, printing into a string.
Process doc_boot(ProcessPool& pool, Event<Time>& ready) {
  co_await timeout(1_s);
  co_await timeout(1500_ms);
  ready.succeed(pool.simulation().now());
}
Process doc_deploy(ProcessPool& pool, Event<Time>& ready, std::string& out) {
  const Time at = co_await ready;
  co_await timeout(600_ms);
  out = fmt::format("VM up at {}, app up at {}", at, pool.simulation().now());
}
}  // namespace

TEST_CASE("the example of docs/processes.md prints what the page says") {
  Simulation sim;
  ProcessPool pool{sim};
  Event<Time> ready;
  std::string out;
  Process b = doc_boot(pool, ready), d = doc_deploy(pool, ready, out);
  sim.run();
  CHECK(out == "VM up at 2.5s, app up at 3.1s");
}
