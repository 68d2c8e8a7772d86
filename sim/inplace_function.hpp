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
    static_assert(alignof(D) <= kAlign, "callable over-aligned: at most pointer alignment");
    static_assert(std::is_nothrow_move_constructible_v<D>, "callable must be nothrow-movable");
    ::new (static_cast<void*>(storage_)) D(std::forward<F>(f));
    ops_ = &kOps<D>;
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

  explicit operator bool() const noexcept { return ops_ != nullptr; }
  R operator()(Args... args) { return ops_->invoke(storage_, std::forward<Args>(args)...); }

  void reset() noexcept {
    if (ops_ != nullptr && ops_->manage != nullptr) ops_->manage(nullptr, storage_);
    ops_ = nullptr;
  }

 private:
  // Pointer alignment (not max_align_t), so that no padding follows the ops pointer: a
  // 48-byte InplaceFunction is 56 bytes and an event record fits one cache line.
  static constexpr std::size_t kAlign = alignof(void*);

  // One static table per target type, so an InplaceFunction is its storage plus one pointer:
  // with Capacity 48 it fills exactly one 64-byte cache line next to a little bookkeeping.
  struct Ops {
    R (*invoke)(void*, Args&&...);
    // Moves *src into dst (when dst is not null) and destroys *src. Null for trivially
    // copyable targets, which are moved by copying their bytes.
    void (*manage)(void* dst, void* src) noexcept;
  };
  template <class D>
  static constexpr Ops kOps{
      [](void* p, Args&&... args) -> R { return (*static_cast<D*>(p))(std::forward<Args>(args)...); },
      std::is_trivially_copyable_v<D> && std::is_trivially_destructible_v<D>
          ? nullptr
          : +[](void* dst, void* src) noexcept {
              if (dst != nullptr) ::new (dst) D(std::move(*static_cast<D*>(src)));
              static_cast<D*>(src)->~D();
            }};

  void take(InplaceFunction& other) noexcept {
    if (other.ops_ != nullptr) {
      if (other.ops_->manage != nullptr) {
        other.ops_->manage(storage_, other.storage_);
      } else {
        std::memcpy(storage_, other.storage_, Capacity);
      }
    }
    ops_ = other.ops_;
    other.ops_ = nullptr;
  }

  alignas(kAlign) std::byte storage_[Capacity];
  const Ops* ops_ = nullptr;
};

}  // namespace vmcsim::sim
