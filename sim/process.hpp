#pragma once
// Processes: model code written as C++20 coroutines, so a lifecycle reads like its story.
//
//   Process boot(ProcessPool& pool, Vm& vm) {
//     co_await timeout(vm.firmware);       // simulated time passes
//     co_await timeout(vm.kernel);
//     vm.ready.succeed(pool.simulation().now());   // an Event<Time> others may be waiting on
//   }
//   Process watch(ProcessPool& pool, Vm& vm) {
//     const Time at = co_await vm.ready;   // the value passed to succeed()
//     ...
//   }
//   Simulation sim;
//   ProcessPool pool{sim};                 // owns the frames; outlives every process
//   Process b = boot(pool, vm), w = watch(pool, vm);
//   sim.run();
//
// The vocabulary is SimPy's:
//   start      calling a coroutine that returns Process starts it, from an event at now(): the
//              caller carries on first (SimPy's env.process()). The process runs in the
//              simulation of its first ProcessPool& or Simulation& argument; a member
//              coroutine counts its object as the first argument.
//   timeout    `co_await timeout(d)` (sim/timeout.hpp) resumes d later; d = 0 still yields.
//   join       `co_await p` waits for Process p to finish (p may be a temporary: the awaiting
//              process then owns it); it rethrows the exception that ended p, if any.
//   event      `co_await e` on an Event<T> waits until someone calls e.succeed(value) and
//              returns that value (at once if e already triggered); e.fail(error) rethrows.
//   interrupt  p.interrupt(cause) throws Interrupted at the co_await where p waits, from an
//              event at now(); p may catch it and carry on. Its pending timeout is cancelled.
//   destroy    destroying a Process handle destroys a process that has not finished: its
//              pending event is cancelled, it leaves any wait list, its frame is freed, and
//              processes waiting to join it are woken with Interrupted. detach() instead hands
//              the process to its pool, which frees it when it finishes (or when the pool dies).
//
// Ordering invariant: every resumption of a process happens from an event of its simulation
// (start, end of a timeout, wake-up after succeed(), a join or an interrupt), never inside the
// call that caused it. So processes run in the engine's (time, priority, sequence) order, a
// story written as a process gives the same order of actions as the same story written with
// callbacks, and nothing runs re-entrantly inside succeed(), interrupt() or another process.
// A waiting process has at most one pending event and at most one wait-list entry; destroying
// or interrupting it removes both, so no handle to a freed frame is ever resumed.
//
// Exceptions are never swallowed. One that escapes a process body ends the process as failed:
// each process waiting to join it gets it rethrown at its co_await; if none waits, it is
// rethrown from Simulation::run()/run_until(), out of the event that resumed the process (the
// simulation stays consistent and may run on). An Interrupted that escapes ends the process as
// interrupted: joiners get it rethrown, but it is not rethrown from run(), since interrupting is
// how a model cancels work. Joining a process that has already failed rethrows at once.
//
// Frames: promise_type::operator new takes the frame from the first ProcessPool& argument
// (size classes and free lists of a std::pmr::unsynchronized_pool_resource, no allocation per
// start once warm) and keeps a pointer to the pool in a 16-byte header before the frame, for
// operator delete. Without a ProcessPool argument the frame comes from the heap.
//
// Lifetimes: the Simulation outlives the ProcessPool, which outlives every Process handle and
// Event of its processes. A process must not destroy its own handle (return, or be interrupted).
// Cost per step: one event per timeout, start or wake-up, like a callback model.
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory_resource>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "sim/simulation.hpp"
#include "sim/time.hpp"
#include "sim/timeout.hpp"

namespace vmcsim::sim {

class Process;
class ProcessPool;
template <class T>
class Event;

// Thrown inside a process at the co_await where it waits when someone interrupts it, and in the
// processes joining one that was interrupted or destroyed before it finished.
class Interrupted : public std::runtime_error {
 public:
  explicit Interrupted(std::string cause);
  const std::string& cause() const { return cause_; }

 private:
  std::string cause_;
};

enum class ProcessState : std::uint8_t {
  scheduled,    // created; its start event has not fired
  running,      // executing now (at most one process at a time)
  waiting,      // suspended at a co_await
  succeeded,    // returned
  failed,       // ended by an exception (Process::exception())
  interrupted,  // ended by Interrupted, or interrupted before it started
};

namespace detail {

class ProcessPromise;
class WaitList;

// One process waiting on an Event or on another process: a node of that object's wait list,
// living inside the awaiting process's frame (in its awaiter) while it waits.
struct Waiter {
  ProcessPromise* process = nullptr;
  Waiter* prev = nullptr;
  Waiter* next = nullptr;
  WaitList* list = nullptr;
};

// Intrusive FIFO of waiters: processes are woken in the order they started waiting.
class WaitList {
 public:
  bool empty() const { return head_ == nullptr; }
  void push_back(Waiter& w) {
    w.list = this;
    w.prev = tail_;
    w.next = nullptr;
    (tail_ != nullptr ? tail_->next : head_) = &w;
    tail_ = &w;
  }
  void remove(Waiter& w) {
    (w.prev != nullptr ? w.prev->next : head_) = w.next;
    (w.next != nullptr ? w.next->prev : tail_) = w.prev;
    w.prev = w.next = nullptr;
    w.list = nullptr;
  }
  Waiter* pop_front() {
    Waiter* w = head_;
    if (w != nullptr) remove(*w);
    return w;
  }

 private:
  Waiter* head_ = nullptr;
  Waiter* tail_ = nullptr;
};

template <class A>
constexpr bool is_pool_v = std::is_base_of_v<ProcessPool, std::remove_cv_t<A>>;
template <class A>
constexpr bool is_simulation_v = std::is_same_v<std::remove_cv_t<A>, Simulation>;

class ProcessPromise {
 public:
  template <class... Args>
  explicit ProcessPromise(Args&... args)
      : sim_(find_simulation(args...)), pool_(find_pool(args...)) {
    static_assert((... || (is_pool_v<Args> || is_simulation_v<Args>)),
                  "a sim::Process coroutine needs a ProcessPool& or Simulation& argument");
    if (pool_ != nullptr) check_pool_simulation();
  }
  ProcessPromise(const ProcessPromise&) = delete;
  ProcessPromise& operator=(const ProcessPromise&) = delete;

  // Frames come from the first ProcessPool argument, with a header naming the pool.
  template <class... Args>
  static void* operator new(std::size_t size, Args&... args) {
    return allocate_frame(size, find_pool(args...));
  }
  static void operator delete(void* frame, std::size_t size) noexcept;

  Process get_return_object();
  std::suspend_always initial_suspend() noexcept { return {}; }
  std::suspend_always final_suspend() noexcept { return {}; }
  void return_void() noexcept {}
  void unhandled_exception() noexcept;

  // --- used by awaiters, Event, Process and ProcessPool ---
  Simulation& simulation() const { return *sim_; }
  ProcessState state() const { return state_; }
  bool finished() const { return state_ >= ProcessState::succeeded; }
  const std::exception_ptr& exception() const { return exception_; }

  // Resumes the coroutine; the only place a process is ever resumed (always from an event).
  void step() {
    wake_ = EventId{};
    state_ = ProcessState::running;
    handle().resume();
    if (!handle().done()) {
      state_ = ProcessState::waiting;
      return;
    }
    finish();
  }
  void sleep(Time delay) {
    wake_ = sim_->schedule_in(delay, [this] { step(); });
  }
  // Resumes from an event at now(); if `error` is set, the awaiter rethrows it.
  void wake(std::exception_ptr error = nullptr) {
    waiting_ = nullptr;
    resume_with_ = std::move(error);
    sleep(Time::zero());
  }
  void wait_in(WaitList& list, Waiter& w) {
    w.process = this;
    list.push_back(w);
    waiting_ = &w;
  }
  // Called by every awaiter when it resumes: rethrows an interrupt or a delivered error.
  void rethrow_pending() {
    if (resume_with_) std::rethrow_exception(std::exchange(resume_with_, nullptr));
  }
  WaitList& joiners() { return joiners_; }

  bool interrupt(std::string cause);
  void detach();
  // Destroys the frame (and this promise): cancels what it waits for, wakes its joiners.
  void destroy() noexcept;

 private:
  friend class vmcsim::sim::ProcessPool;
  using Handle = std::coroutine_handle<ProcessPromise>;
  Handle handle() { return Handle::from_promise(*this); }

  static void* allocate_frame(std::size_t size, ProcessPool* pool);
  template <class... Args>
  static ProcessPool* find_pool(Args&... args) {
    ProcessPool* pool = nullptr;
    ((pool = pool != nullptr ? pool : pool_of(args)), ...);
    return pool;
  }
  template <class A>
  static ProcessPool* pool_of(A& a) {
    if constexpr (is_pool_v<A>)
      return const_cast<ProcessPool*>(static_cast<const ProcessPool*>(&a));
    else
      return nullptr;
  }
  template <class... Args>
  static Simulation* find_simulation(Args&... args) {
    Simulation* sim = nullptr;
    ((sim = sim != nullptr ? sim : simulation_of(args)), ...);
    return sim;
  }
  template <class A>
  static Simulation* simulation_of(A& a);
  void check_pool_simulation() const;

  void finish();
  void cancel_wait() noexcept;
  void wake_joiners(const std::exception_ptr& error) noexcept;

  // What every step touches, first: next to the frame's resume pointers (bench/README.md,
  // process_bench: a resume's cost at large N is the cache misses on its frame).
  Simulation* sim_;
  EventId wake_;                    // the one pending event that will resume it
  std::exception_ptr resume_with_;  // thrown by the awaiter when it resumes
  ProcessState state_ = ProcessState::scheduled;
  bool detached_ = false;
  // Touched only when waiting on an event or a process, finishing, or detaching.
  Waiter* waiting_ = nullptr;            // its entry in a wait list, while it waits on one
  WaitList joiners_;                     // processes waiting for it to finish
  std::exception_ptr exception_;         // what ended it (failed or interrupted)
  ProcessPool* pool_;                    // where its frame came from (null: the heap)
  ProcessPromise* pool_prev_ = nullptr;  // the pool's list of detached processes
  ProcessPromise* pool_next_ = nullptr;
};

}  // namespace detail

// The handle of a process, returned by calling its coroutine. Move-only; owns the process
// unless detached.
class Process {
 public:
  using promise_type = detail::ProcessPromise;

  Process() noexcept = default;
  Process(Process&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  Process& operator=(Process&& other) noexcept {
    if (this != &other) {
      reset();
      p_ = std::exchange(other.p_, nullptr);
    }
    return *this;
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process() { reset(); }

  // False for a default-constructed, moved-from, detached or reset handle.
  bool valid() const { return p_ != nullptr; }
  ProcessState state() const { return promise().state(); }
  bool finished() const { return promise().finished(); }
  // What ended it if it failed or was interrupted; null otherwise.
  std::exception_ptr exception() const { return promise().exception(); }

  // Throws Interrupted(cause) at the co_await where the process waits, from an event at now();
  // a process interrupted before it started ends as interrupted without running. Returns false
  // (and does nothing) if it has finished or another interrupt or error is already on its way
  // to it. Throws std::logic_error if the process interrupts itself.
  bool interrupt(std::string cause = {}) { return promise().interrupt(std::move(cause)); }

  // Hands the process to its ProcessPool, which frees it when it finishes (or when the pool is
  // destroyed); the handle becomes invalid. Throws std::logic_error if its frame is not pooled.
  void detach() && {
    promise().detach();
    p_ = nullptr;
  }
  // Destroys the process now (see the header comment); the handle becomes invalid.
  void reset() noexcept {
    if (p_ != nullptr) std::exchange(p_, nullptr)->destroy();
  }

 private:
  friend class detail::ProcessPromise;
  friend struct JoinAwaiter operator co_await(Process& p);
  friend struct JoinAwaiter operator co_await(Process&& p);
  explicit Process(detail::ProcessPromise& p) : p_(&p) {}
  detail::ProcessPromise& promise() const;

  detail::ProcessPromise* p_ = nullptr;
};

// Owns the frames of the processes started with it and the processes detached to it.
class ProcessPool {
 public:
  explicit ProcessPool(Simulation& sim,
                       std::pmr::memory_resource* upstream = std::pmr::new_delete_resource());
  ProcessPool(const ProcessPool&) = delete;
  ProcessPool& operator=(const ProcessPool&) = delete;
  // Destroys the detached processes that have not finished (cancelling their events).
  ~ProcessPool();

  Simulation& simulation() const { return sim_; }
  // Frames taken from the pool and not given back: processes alive, owned or detached.
  std::size_t frames_in_use() const { return frames_in_use_; }
  std::size_t detached_processes() const { return detached_; }

 private:
  friend class detail::ProcessPromise;
  void* allocate(std::size_t bytes);
  void deallocate(void* p, std::size_t bytes) noexcept;
  void adopt(detail::ProcessPromise& p);
  void release(detail::ProcessPromise& p) noexcept;

  Simulation& sim_;
  std::pmr::unsynchronized_pool_resource memory_;
  detail::ProcessPromise* detached_head_ = nullptr;
  std::size_t frames_in_use_ = 0;
  std::size_t detached_ = 0;
};

template <class A>
Simulation* detail::ProcessPromise::simulation_of(A& a) {
  if constexpr (is_pool_v<A>)
    return &a.simulation();
  else if constexpr (is_simulation_v<A>)
    return const_cast<Simulation*>(&a);
  else
    return nullptr;
}

// A one-shot trigger with a value: processes `co_await` it until someone calls succeed(value)
// (or fail(error)); each waiter gets its own copy of the value, from an event at now(), in the
// order they started waiting. Awaiting an event that already triggered returns at once.
// Identity object (processes hold pointers into it). Destroying it while processes wait wakes
// them with std::logic_error, so none is left waiting forever.
template <class T = void>
class Event {
  using Stored = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

 public:
  Event() = default;
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  ~Event() {
    while (detail::Waiter* w = waiters_.pop_front())
      w->process->wake(std::make_exception_ptr(
          std::logic_error("sim::Event destroyed while a process waited on it")));
  }

  bool triggered() const { return value_.has_value() || error_ != nullptr; }

  // Triggers the event. Throws std::logic_error if it already triggered.
  void succeed(Stored value) requires(!std::is_void_v<T>) {
    trigger();
    value_.emplace(std::move(value));
    while (detail::Waiter* w = waiters_.pop_front()) {
      static_cast<Awaiter*>(w)->value_.emplace(*value_);
      w->process->wake();
    }
  }
  void succeed() requires std::is_void_v<T> {
    trigger();
    value_.emplace();
    while (detail::Waiter* w = waiters_.pop_front())
      w->process->wake();
  }
  // Triggers the event with an error that each waiter rethrows.
  void fail(std::exception_ptr error) {
    if (!error) throw std::invalid_argument("sim::Event::fail: null exception");
    trigger();
    error_ = error;
    while (detail::Waiter* w = waiters_.pop_front())
      w->process->wake(error_);
  }

  // The value passed to succeed(). Precondition: succeeded.
  const Stored& value() const requires(!std::is_void_v<T>) { return *value_; }

  class Awaiter : public detail::Waiter {
   public:
    explicit Awaiter(Event& e) : event_(&e) {}
    Awaiter(Awaiter&&) = default;
    ~Awaiter() {
      if (list != nullptr) list->remove(*this);
    }
    bool await_ready() const noexcept { return event_->triggered(); }
    void await_suspend(std::coroutine_handle<detail::ProcessPromise> h) {
      h.promise().wait_in(event_->waiters_, *this);
      self_ = &h.promise();
    }
    T await_resume() {
      if (self_ != nullptr) {
        self_->rethrow_pending();
        if constexpr (!std::is_void_v<T>) return std::move(*value_);
      } else {  // triggered before the co_await: the event is alive, read it directly
        if (event_->error_) std::rethrow_exception(event_->error_);
        if constexpr (!std::is_void_v<T>) return *event_->value_;
      }
    }

   private:
    friend class Event;
    Event* event_;
    detail::ProcessPromise* self_ = nullptr;
    std::optional<Stored> value_;  // delivered by succeed(), so the event may die before we run
  };
  Awaiter operator co_await() { return Awaiter{*this}; }

 private:
  void trigger() {
    if (triggered()) throw std::logic_error("sim::Event triggered twice");
  }

  detail::WaitList waiters_;
  std::optional<Stored> value_;
  std::exception_ptr error_;
};

// --- awaiters ---

struct TimeoutAwaiter {
  Time delay;
  detail::ProcessPromise* self = nullptr;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<detail::ProcessPromise> h) {
    self = &h.promise();
    self->sleep(delay);
  }
  void await_resume() { self->rethrow_pending(); }
};
inline TimeoutAwaiter operator co_await(Timeout t) {
  return TimeoutAwaiter{t.delay};
}

// Waits for a process to finish; owns it when it was awaited as a temporary.
struct JoinAwaiter : detail::Waiter {
  JoinAwaiter(detail::ProcessPromise& child, Process owned)
      : child_(&child), owned_(std::move(owned)) {}
  JoinAwaiter(JoinAwaiter&&) = default;
  ~JoinAwaiter() {
    if (list != nullptr) list->remove(*this);
  }
  bool await_ready() const {
    if (child_->state() == ProcessState::running)
      throw std::logic_error("a process cannot wait for itself to finish");
    return child_->finished();
  }
  void await_suspend(std::coroutine_handle<detail::ProcessPromise> h) {
    self_ = &h.promise();
    self_->wait_in(child_->joiners(), *this);
  }
  void await_resume() {
    if (self_ != nullptr)
      self_->rethrow_pending();  // the child may be gone: its error was delivered to us
    else if (child_->exception())
      std::rethrow_exception(child_->exception());
  }

 private:
  detail::ProcessPromise* child_;
  detail::ProcessPromise* self_ = nullptr;
  Process owned_;
};
inline JoinAwaiter operator co_await(Process& p) {
  return JoinAwaiter{p.promise(), Process{}};
}
inline JoinAwaiter operator co_await(Process&& p) {
  detail::ProcessPromise& child = p.promise();
  return JoinAwaiter{child, std::move(p)};
}

inline detail::ProcessPromise& Process::promise() const {
  if (p_ == nullptr) throw std::logic_error("sim::Process: empty handle");
  return *p_;
}

inline Process detail::ProcessPromise::get_return_object() {
  sleep(Time::zero());  // the start event; the caller carries on first
  return Process{*this};
}

}  // namespace vmcsim::sim
