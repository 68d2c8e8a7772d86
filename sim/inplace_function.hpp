#pragma once
// InplaceFunction: a move-only callable that stores its target inside the object, never on the
// heap. The event loop keeps one per pending event, so scheduling must not allocate: a lambda
// that captures more than Capacity bytes fails to compile (capture a pointer to a bigger state
// instead) rather than silently allocating as std::function would.
#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace vmcsim::sim {

template <class Signature, std::size_t Capacity = 48>
class InplaceFunction;

template <class R, class... Args, std::size_t Capacity>
class InplaceFunction<R(Args...), Capacity> {
 public:
  InplaceFunction() noexcept = default;

  template <class F, class D = std::decay_t<F>,
            class = std::enable_if_t<!std::is_same_v<D, InplaceFunction> &&
                                     std::is_invocable_r_v<R, D&, Args...>>>
  InplaceFunction(F&& f) {  // NOLINT: implicit by design, like std::function
    static_assert(sizeof(D) <= Capacity,
                  "callable too large for InplaceFunction: capture a pointer to its state");
    static_assert(alignof(D) <= alignof(std::max_align_t), "callable over-aligned");
    static_assert(std::is_nothrow_move_constructible_v<D>, "callable must be nothrow-movable");
    ::new (static_cast<void*>(storage_)) D(std::forward<F>(f));
    invoke_ = [](void* p, Args&&... args) -> R {
      return (*static_cast<D*>(p))(std::forward<Args>(args)...);
    };
    if constexpr (!std::is_trivially_copyable_v<D> || !std::is_trivially_destructible_v<D>) {
      manage_ = [](void* dst, void* src) noexcept {
        if (dst != nullptr) ::new (dst) D(std::move(*static_cast<D*>(src)));
        static_cast<D*>(src)->~D();
      };
    }
  }

  InplaceFunction(InplaceFunction&& other) noexcept { take(other); }
  InplaceFunction& operator=(InplaceFunction&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  InplaceFunction(const InplaceFunction&) = delete;
  InplaceFunction& operator=(const InplaceFunction&) = delete;
  ~InplaceFunction() { reset(); }

  explicit operator bool() const noexcept { return invoke_ != nullptr; }
  R operator()(Args... args) { return invoke_(storage_, std::forward<Args>(args)...); }

  void reset() noexcept {
    if (manage_ != nullptr) manage_(nullptr, storage_);
    invoke_ = nullptr;
    manage_ = nullptr;
  }

 private:
  using Invoke = R (*)(void*, Args&&...);
  // Moves *src into dst (when dst is not null) and destroys *src. Null for trivial targets,
  // which are moved by copying their bytes.
  using Manage = void (*)(void* dst, void* src) noexcept;

  void take(InplaceFunction& other) noexcept {
    if (other.manage_ != nullptr) {
      other.manage_(storage_, other.storage_);
    } else if (other.invoke_ != nullptr) {
      std::memcpy(storage_, other.storage_, Capacity);
    }
    invoke_ = other.invoke_;
    manage_ = other.manage_;
    other.invoke_ = nullptr;
    other.manage_ = nullptr;
  }

  alignas(std::max_align_t) std::byte storage_[Capacity];
  Invoke invoke_ = nullptr;
  Manage manage_ = nullptr;
};

}  // namespace vmcsim::sim
