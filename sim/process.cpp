#include "sim/process.hpp"

#include <cassert>
#include <new>

namespace vmcsim::sim {

Interrupted::Interrupted(std::string cause)
    : std::runtime_error("process interrupted" + (cause.empty() ? "" : ": " + cause)),
      cause_(std::move(cause)) {}

namespace detail {

namespace {
// The header before each frame names the pool it came from (null: the heap). Its size keeps
// the frame at the alignment operator new guarantees.
constexpr std::size_t kHeader = __STDCPP_DEFAULT_NEW_ALIGNMENT__;
static_assert(kHeader >= sizeof(ProcessPool*));

bool is_interrupt(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const Interrupted&) {
    return true;
  } catch (...) {
    return false;
  }
}
}  // namespace

void* ProcessPromise::allocate_frame(std::size_t size, ProcessPool* pool) {
  auto* block = static_cast<std::byte*>(pool != nullptr ? pool->allocate(kHeader + size)
                                                        : ::operator new(kHeader + size));
  ::new (static_cast<void*>(block)) ProcessPool*(pool);
  return block + kHeader;
}

void ProcessPromise::operator delete(void* frame, std::size_t size) noexcept {
  std::byte* block = static_cast<std::byte*>(frame) - kHeader;
  ProcessPool* pool = *std::launder(reinterpret_cast<ProcessPool**>(block));
  if (pool != nullptr)
    pool->deallocate(block, kHeader + size);
  else
    ::operator delete(block, kHeader + size);
}

void ProcessPromise::check_pool_simulation() const {
  if (&pool_->simulation() != sim_)
    throw std::invalid_argument(
        "sim::Process: its ProcessPool belongs to another simulation than the one it runs in");
}

void ProcessPromise::unhandled_exception() noexcept {
  exception_ = std::current_exception();
}

void ProcessPromise::wake_joiners(const std::exception_ptr& error) noexcept {
  while (Waiter* w = joiners_.pop_front())
    w->process->wake(error);
}

// The body returned or threw: wake the joiners, report an unobserved failure, and free a
// detached process (its frame is gone after that, so only locals are used).
void ProcessPromise::finish() {
  state_ = !exception_                ? ProcessState::succeeded
           : is_interrupt(exception_) ? ProcessState::interrupted
                                      : ProcessState::failed;
  const bool unobserved_failure = state_ == ProcessState::failed && joiners_.empty();
  wake_joiners(exception_);
  const std::exception_ptr error = exception_;
  if (detached_) destroy();
  if (unobserved_failure) std::rethrow_exception(error);
}

void ProcessPromise::cancel_wait() noexcept {
  if (waiting_ != nullptr && waiting_->list != nullptr) waiting_->list->remove(*waiting_);
  waiting_ = nullptr;
  if (wake_.valid()) sim_->cancel(wake_);
  wake_ = EventId{};
}

bool ProcessPromise::interrupt(std::string cause) {
  switch (state_) {
    case ProcessState::running:
      throw std::logic_error("a process cannot interrupt itself");
    case ProcessState::succeeded:
    case ProcessState::failed:
    case ProcessState::interrupted:
      return false;
    case ProcessState::scheduled:  // ends without running
      cancel_wait();
      state_ = ProcessState::interrupted;
      exception_ = std::make_exception_ptr(Interrupted(std::move(cause)));
      wake_joiners(exception_);
      return true;
    case ProcessState::waiting:
      if (resume_with_) return false;  // an interrupt or an error is already on its way
      cancel_wait();
      wake(std::make_exception_ptr(Interrupted(std::move(cause))));
      return true;
  }
  return false;
}

void ProcessPromise::detach() {
  if (pool_ == nullptr)
    throw std::logic_error("sim::Process::detach: the process has no ProcessPool argument");
  if (finished()) {
    destroy();
    return;
  }
  pool_->adopt(*this);
}

void ProcessPromise::destroy() noexcept {
  assert(state_ != ProcessState::running && "a process must not destroy its own handle");
  cancel_wait();
  if (!finished()) wake_joiners(std::make_exception_ptr(Interrupted("the process was destroyed")));
  if (detached_) pool_->release(*this);
  handle().destroy();
}

}  // namespace detail

ProcessPool::ProcessPool(Simulation& sim, std::pmr::memory_resource* upstream)
    : sim_(sim), memory_(upstream) {}

ProcessPool::~ProcessPool() {
  while (detached_head_ != nullptr)
    detached_head_->destroy();
  assert(frames_in_use_ == 0 && "a Process outlived its ProcessPool");
}

void* ProcessPool::allocate(std::size_t bytes) {
  void* p = memory_.allocate(bytes);
  ++frames_in_use_;
  return p;
}

void ProcessPool::deallocate(void* p, std::size_t bytes) noexcept {
  memory_.deallocate(p, bytes);
  --frames_in_use_;
}

void ProcessPool::adopt(detail::ProcessPromise& p) {
  p.detached_ = true;
  p.pool_prev_ = nullptr;
  p.pool_next_ = detached_head_;
  if (detached_head_ != nullptr) detached_head_->pool_prev_ = &p;
  detached_head_ = &p;
  ++detached_;
}

void ProcessPool::release(detail::ProcessPromise& p) noexcept {
  (p.pool_prev_ != nullptr ? p.pool_prev_->pool_next_ : detached_head_) = p.pool_next_;
  if (p.pool_next_ != nullptr) p.pool_next_->pool_prev_ = p.pool_prev_;
  p.detached_ = false;
  --detached_;
}

}  // namespace vmcsim::sim
