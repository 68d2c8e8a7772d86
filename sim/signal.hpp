#pragma once
// Signal: how observers (metrics, traces, reports) learn what a model does without the model
// knowing about them. A model owns a Signal and emits it; observers connect once, at set-up.
//
//   sim::Signal<const Instance&, Phase> on_phase_end;
//   on_phase_end.connect([&](const Instance& i, Phase p) { histogram.add(...); });
//   on_phase_end.emit(instance, phase);
//
// Connecting may allocate (set-up time); emitting never does. Observers are called in the
// order they connected, which keeps runs deterministic.
#include <functional>
#include <utility>
#include <vector>

namespace vmcsim::sim {

template <class... Args>
class Signal {
 public:
  template <class F>
  void connect(F&& observer) {
    observers_.emplace_back(std::forward<F>(observer));
  }
  void emit(Args... args) const {
    for (const auto& observer : observers_)
      observer(args...);
  }
  bool has_observers() const { return !observers_.empty(); }

 private:
  std::vector<std::function<void(Args...)>> observers_;
};

}  // namespace vmcsim::sim
