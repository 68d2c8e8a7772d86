#include "models/placement/replay.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "models/placement/pending_queue.hpp"
#include "sim/simulation.hpp"
#include "sim/statistics.hpp"

namespace vmcsim::models::placement {

ResourceVector platform_demand(const PlatformProfile& profile, const ResourceVector& pod) {
  ResourceVector d = pod;
  if (profile.kind == PlatformKind::vm || profile.kind == PlatformKind::microvm) {
    const auto vcpus =
        std::max<std::int64_t>(1, (pod.cpu.value() + 999) / 1000);  // whole cores, rounded up
    const sim::Bytes vm_memory = pod.memory + profile.guest_os_memory.value +
                                 profile.agent_memory.value + profile.system_reserved_memory.value;
    d.cpu = sim::Millicores::cores(vcpus);
    d.memory = vm_memory + profile.hypervisor_overhead(vm_memory, static_cast<int>(vcpus));
  } else {
    d.memory += profile.runtime_overhead.value;
  }
  return d;
}

std::vector<ReplayPod> speed_up_arrivals(std::span<const ReplayPod> pods, double speedup) {
  if (!(speedup >= 1.0))
    throw std::invalid_argument("speed_up_arrivals: the speedup must be at least 1");
  std::vector<ReplayPod> out{pods.begin(), pods.end()};
  if (out.empty()) return out;
  const sim::Time first = out.front().arrival;
  for (ReplayPod& p : out) {
    const double gap = static_cast<double>((p.arrival - first).ns()) / speedup;
    p.arrival = first + sim::Time::from_ns(std::llround(gap));
  }
  return out;
}

namespace {

// Times every choose() of the wrapped policy with steady_clock: the one non-deterministic
// output, kept out of everything else.
class TimedPolicy final : public PlacementPolicy {
 public:
  explicit TimedPolicy(PlacementPolicy& inner) : inner_{inner} {}
  std::string_view name() const override { return inner_.name(); }
  std::optional<NodeIndex> choose(const PlacementRequest& request, std::span<const NodeView> nodes,
                                  sim::RandomStream& stream) override {
    const auto start = std::chrono::steady_clock::now();
    auto chosen = inner_.choose(request, nodes, stream);
    const std::chrono::duration<double, std::micro> took = std::chrono::steady_clock::now() - start;
    stats_.add(took.count());
    sketch_.add(took.count());
    return chosen;
  }
  void track(std::span<const NodeView> nodes) override { inner_.track(nodes); }
  void node_changed(std::span<const NodeView> nodes, NodeIndex i) override {
    inner_.node_changed(nodes, i);
  }
  DecisionTiming timing() const {
    if (stats_.empty()) return {};
    return {stats_.count(), stats_.mean(), sketch_.quantile(0.99)};
  }

 private:
  PlacementPolicy& inner_;
  sim::RunningStats stats_;
  sim::QuantileSketch sketch_;
};

// At equal times: departures, then arrivals, then give-ups (smaller priority fires first).
constexpr std::int16_t kDeparturePriority = -1;
constexpr std::int16_t kGiveUpPriority = 1;

std::vector<PlacementRequest> gpu_requests_of(std::span<const ReplayPod> pods) {
  std::vector<PlacementRequest> out;
  for (const ReplayPod& p : pods)
    if (p.request.demand.gpu_milli > 0) out.push_back(p.request);
  return out;
}

class Replay {
 public:
  Replay(std::vector<NodeView> nodes, std::span<const ReplayPod> pods, PlacementPolicy& policy,
         const ReplayOptions& options)
      : nodes_{std::move(nodes)},
        pods_{pods},
        policy_{policy},
        options_{options},
        queue_{PendingQueue::Order::fifo, options.head_of_line_blocking},
        stream_{options.seed, 0, "placement/replay"},
        state_(pods.size()),
        workload_{options.workload.empty() ? workload_classes(gpu_requests_of(pods))
                                           : options.workload} {
    // The smallest demand in each dimension, ignoring the 1% smallest pods: one odd pod (the
    // openb trace has one asking for no memory) must not decide what capacity counts as usable.
    std::vector<std::pair<double, std::size_t>> amounts(pods_.size());
    for (Dimension d : kAllDimensions) {
      if (pods_.empty()) break;
      for (std::size_t i = 0; i < pods_.size(); ++i)
        amounts[i] = {pods_[i].request.demand.amount(d), i};
      const auto nth = amounts.begin() + static_cast<std::ptrdiff_t>(pods_.size() / 100);
      std::nth_element(amounts.begin(), nth, amounts.end());
      smallest_ += pods_[nth->second].request.demand.only(d);
    }
  }

  ReplayResult run() {
    for (std::size_t i = 0; i < pods_.size(); ++i) {
      if (i > 0 && pods_[i].arrival < pods_[i - 1].arrival)
        throw std::invalid_argument("replay_placement: pods are not sorted by arrival");
      if (pods_[i].arrival >= options_.end) break;
      ++result_.pods_total;
      sim_.schedule_at(pods_[i].arrival, [this, i] { arrive(i); });
    }
    for (const NodeView& n : nodes_)
      capacity_ += n.allocatable();
    if (result_.pods_total == 0)
      return finish(options_.end == sim::Time::max() ? sim::Time{} : options_.end);
    start_ = last_ = pods_.front().arrival;
    node_state_.resize(nodes_.size());
    if (options_.use_index) timed_.track(nodes_);
    for (NodeIndex k = 0; k < nodes_.size(); ++k)
      touched_.push_back(k);
    observe();
    if (options_.end == sim::Time::max()) {
      sim_.run();
      return finish(sim_.now());
    }
    sim_.run_until(options_.end);
    return finish(options_.end);
  }

 private:
  // Where a pod is: not arrived yet or waiting (node unset, not done), running, or done (left,
  // or gave up).
  struct PodState {
    std::optional<NodeIndex> node;
    GpuSlots gpus = 0;
    bool done = false;
  };

  void arrive(std::size_t i) {
    const ReplayPod& pod = pods_[i];
    present_ += pod.request.demand;
    if (options_.head_of_line_blocking && !queue_.empty()) {
      // Strict FIFO: behind everything already waiting, without a decision of its own yet.
      queue_.push(i, pod.request, sim_.now(),
                  Unplaceable{"head-of-line", "waiting behind an earlier pod that does not fit"});
      placed(queue_.retry(sim_.now(), nodes_, timed_, stream_));
    } else {
      PlacementOutcome out = timed_.place(pod.request, nodes_, stream_);
      if (out.node) {
        start(i, *out.node, nodes_[*out.node].add(pod.request));
        timed_.node_changed(nodes_, *out.node);
        pending_.add(0.0);
        record_pending_ms(0.0);
        wait_all_.add(0.0);
      } else {
        queue_.push(i, pod.request, sim_.now(), std::move(*out.reason));
      }
    }
    if (!state_[i].node) {
      std::optional<sim::Time> patience = pod.lifetime;
      if (options_.patience && (!patience || *options_.patience < *patience))
        patience = options_.patience;
      if (patience)
        sim_.schedule_at(
            sim_.now() + *patience, [this, i] { give_up(i); }, kGiveUpPriority);
    }
    observe();
  }

  // Pod i runs on `node` from now on, for its lifetime.
  void start(std::size_t i, NodeIndex node, GpuSlots gpus) {
    state_[i].node = node;
    state_[i].gpus = gpus;
    touched_.push_back(node);
    ++result_.pods_placed;
    if (const auto& lifetime = pods_[i].lifetime)
      sim_.schedule_at(
          sim_.now() + *lifetime, [this, i] { depart(i); }, kDeparturePriority);
  }

  void depart(std::size_t i) {
    PodState& s = state_[i];
    const NodeIndex node = *s.node;
    nodes_[node].remove(pods_[i].request, s.gpus);
    timed_.node_changed(nodes_, node);
    present_ -= pods_[i].request.demand;
    touched_.push_back(node);
    s.node.reset();
    s.done = true;
    placed(queue_.retry(sim_.now(), nodes_, timed_, stream_, node));
    observe();
  }

  void give_up(std::size_t i) {
    if (state_[i].node || state_[i].done) return;  // placed meanwhile
    for (const auto& e : queue_.waiting())
      if (e.id == i) {
        ++result_.never_placed_by[e.reason.dimension];
        break;
      }
    queue_.erase(i);
    present_ -= pods_[i].request.demand;
    state_[i].done = true;
    ++result_.pods_gave_up;
    censored(sim_.now() - pods_[i].arrival);
    if (options_.head_of_line_blocking)  // the new head may fit now
      placed(queue_.retry(sim_.now(), nodes_, timed_, stream_));
    observe();
  }

  void placed(const std::vector<PendingQueue::Placed>& done) {
    for (const auto& p : done) {
      start(p.id, p.node, p.gpus);
      if (p.waited > sim::Time{}) ++result_.pods_waited;
      pending_.add(p.waited.seconds());
      record_pending_ms(p.waited.milliseconds());
      wait_all_.add(p.waited.seconds());
    }
  }

  void censored(sim::Time waited) {
    wait_all_.add(waited.seconds());
    never_placed_wait_ += waited.seconds();
  }

  // Integrates the last state over [last_, now), then takes the new one.
  void observe() {
    const sim::Time now = sim_.now() < start_ ? start_ : sim_.now();
    accumulate(now);
    // The metrics sum over nodes, so only the nodes this event changed are recomputed.
    for (NodeIndex k : touched_) {
      const NodeView& n = nodes_[k];
      const PackingMetrics m = packing_metrics(std::span{&n, 1}, smallest_);
      NodeState& was = node_state_[k];
      const double fragmentation = gpu_fragmentation(n, workload_);
      nodes_used_ = nodes_used_ - was.used + m.nodes_used;
      stranded_ -= was.stranded;
      stranded_ += m.stranded;
      fragmentation_ += fragmentation - was.fragmentation;
      was = {m.nodes_used, m.stranded, fragmentation};
    }
    touched_.clear();
    result_.peak_nodes_used = std::max(result_.peak_nodes_used, nodes_used_);
    result_.stranded_peak.cpu = std::max(result_.stranded_peak.cpu, stranded_.cpu);
    result_.stranded_peak.memory = std::max(result_.stranded_peak.memory, stranded_.memory);
    result_.gpu_fragmentation_peak = std::max(result_.gpu_fragmentation_peak, fragmentation_);
    for (const Dimension d : kAllDimensions) {
      const auto k = static_cast<std::size_t>(d);
      if (capacity_.amount(d) > 0.0)
        result_.peak_demand[k] =
            std::max(result_.peak_demand[k], present_.amount(d) / capacity_.amount(d));
    }
    if (options_.observer) options_.observer(sim_.now(), nodes_);
  }

  void accumulate(sim::Time until) {
    if (until <= last_) return;
    const double dt = (until - last_).seconds();
    nodes_area_ += static_cast<double>(nodes_used_) * dt;
    cpu_area_ += static_cast<double>(stranded_.cpu.value()) * dt;
    memory_area_ += static_cast<double>(stranded_.memory.count()) * dt;
    fragmentation_area_ += fragmentation_ * dt;
    last_ = until;
  }

  ReplayResult finish(sim::Time end) {
    result_.policy = std::string{policy_.name()};
    result_.end = end;
    accumulate(end);
    // Whatever still waits at the end was never placed; it waited until the end at least.
    for (const auto& e : queue_.waiting()) {
      ++result_.pods_still_waiting;
      ++result_.never_placed_by[e.reason.dimension];
      censored(end - e.enqueued);
    }
    const double span = (end - start_).seconds();
    if (span > 0) {
      result_.mean_nodes_used = nodes_area_ / span;
      result_.stranded_mean.cpu = sim::Millicores{std::llround(cpu_area_ / span)};
      result_.stranded_mean.memory = sim::Bytes{std::llround(memory_area_ / span)};
      result_.gpu_fragmentation_mean = fragmentation_area_ / span;
    }
    if (!pending_.empty()) {
      result_.pending_p50 = sim::Time::from_seconds(pending_.quantile(0.5));
      result_.pending_p99 = sim::Time::from_seconds(pending_.quantile(0.99));
      result_.pending_max = sim::Time::from_seconds(pending_.max());
    }
    if (!wait_all_.empty())
      result_.wait_all_p99 = sim::Time::from_seconds(wait_all_.quantile(0.99));
    if (const std::size_t never = result_.pods_never_placed(); never > 0)
      result_.never_placed_wait_mean =
          sim::Time::from_seconds(never_placed_wait_ / static_cast<double>(never));
    result_.timing = timed_.timing();
    return std::move(result_);
  }

  std::vector<NodeView> nodes_;
  std::span<const ReplayPod> pods_;
  PlacementPolicy& policy_;
  TimedPolicy timed_{policy_};
  const ReplayOptions& options_;
  PendingQueue queue_;
  sim::RandomStream stream_;
  sim::Simulation sim_;
  std::vector<PodState> state_;     // per pod
  std::vector<PodClass> workload_;  // what GPU fragmentation is measured against
  ResourceVector smallest_;         // per dimension, over the trace's pods
  // The placed pods' pending times in milliseconds, kept for the results model (pooled over
  // replications by models/metrics summarize).
  void record_pending_ms(double ms) {
    result_.pending_ms.add(ms);
    result_.pending_ms_stats.add(ms);
  }
  sim::QuantileSketch pending_;     // seconds, placed pods
  sim::QuantileSketch wait_all_;    // seconds, every pod (censored for the never placed)
  double never_placed_wait_ = 0.0;  // seconds, summed
  ReplayResult result_;
  sim::Time start_, last_;
  struct NodeState {
    std::size_t used = 0;  // 1 when it runs a pod
    ResourceVector stranded;
    double fragmentation = 0.0;
  };
  std::vector<NodeState> node_state_;  // each node's share of the totals below
  std::vector<NodeIndex> touched_;     // nodes changed since the last observe()
  std::size_t nodes_used_ = 0;
  ResourceVector capacity_;  // of all nodes
  ResourceVector present_;   // demand of the pods running or waiting
  ResourceVector stranded_;
  double fragmentation_ = 0.0;  // milli-GPUs
  double nodes_area_ = 0.0, cpu_area_ = 0.0, memory_area_ = 0.0, fragmentation_area_ = 0.0;
};

}  // namespace

ReplayResult replay_placement(std::vector<NodeView> nodes, std::span<const ReplayPod> pods,
                              PlacementPolicy& policy, const ReplayOptions& options) {
  return Replay{std::move(nodes), pods, policy, options}.run();
}

}  // namespace vmcsim::models::placement
