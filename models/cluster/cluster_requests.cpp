#include "models/cluster/cluster_state.hpp"

// Requests: routing to the least loaded instance, service as CPU and I/O flows, conservation.
namespace vmcsim::models {

using namespace cluster_detail;

// --- requests ------------------------------------------------------------------------------

void Cluster::submit(std::size_t service) {
  Service& svc = services_.at(service);
  const ServiceConfig& sc = *svc.config;
  const double cpu = std::max(0.0, sc.cpu_time.sample(svc.stream));
  const double io = std::max(0.0, sc.io_bytes.sample(svc.stream));
  submit(service, Request{sc.name, sim_.now(), sim::Time::from_seconds(cpu),
                          sim::Bytes{static_cast<std::int64_t>(std::llround(io))}});
}

void Cluster::submit(std::size_t service, const Request& request) {
  Service& svc = services_.at(service);
  const std::uint64_t sequence = svc.submitted++;
  // [failures] lost replicas the load balancer has not marked unhealthy still get their share.
  if (svc.lost_routable > 0) {
    const auto total = static_cast<std::uint64_t>(running(service) + svc.lost_routable);
    if (svc.route_counter++ % total < static_cast<std::uint64_t>(svc.lost_routable)) {
      fail_request(service, sequence, request);
      return;
    }
  }
  const bool function = svc.function;
  if (function) function_arrival(service);  // [fn] expiries, the idle-time sample
  // Least outstanding requests among the running instances, oldest first on ties: the first
  // strictly smaller load wins, and nothing beats an idle instance (the oldest idle one).
  std::uint32_t best = kNone;
  std::int32_t best_load = kNotRoutable;
  auto scan = [&](std::span<const std::uint32_t> replicas) {
    for (const std::uint32_t r : replicas) {
      const std::int32_t load = route_load_[r];
      if (load >= best_load) continue;
      best = r;
      best_load = load;
      if (load == 0) return;
    }
  };
  scan({svc.live.data(), svc.live.size()});
  // [failures] ECS tasks of a draining instance, replaced but not stopped yet, still serve.
  // (Nothing beats an idle replica: then the list is not even read.)
  if (best_load != 0) scan(svc.drained);
  if (best == kNone) {
    enqueue(svc, sequence, request);
    if (function) {
      cold_start(service);
    } else if (svc.live.empty()) {
      // [fn] Scaled to zero (replicas or min_replicas 0): activate one instance, as Knative's
      // activator and KEDA's activation do; the service's autoscaler takes it from there.
      set_desired(service, 1);
    }
  } else {
    begin_request(best, sequence, request);
  }
  check_requests(svc);
}

void Cluster::check_requests(const Service& svc) const {
  // Conservation: every request submitted is completed, in service or queued.
  VMCSIM_ASSERT(svc.submitted == svc.completed + svc.failed + svc.in_service + svc.queue.size(),
                "a request was lost or counted twice");
  VMCSIM_ASSERT(svc.queued == svc.queue.size(), "a service's queue count disagrees with its queue");
  VMCSIM_ASSERT(
      std::all_of(svc.live.begin(), svc.live.end(),
                  [this](std::uint32_t r) { return route_load_[r] == replicas_[r].route_load(); }),
      "the routing array disagrees with a replica");
  static_cast<void>(svc);
}

void Cluster::refresh_route(std::uint32_t r) {
  route_load_[r] = replicas_[r].route_load();
}

bool Cluster::routing_consistent() const {
  if (route_load_.size() != replicas_.size()) return false;
  for (std::uint32_t r = 0; r < replicas_.size(); ++r)
    if (route_load_[r] != replicas_[r].route_load()) return false;
  return true;
}

void Cluster::dispatch(std::uint32_t r) {
  Replica& rep = replicas_[r];
  Service& svc = services_[rep.service];
  while (rep.state == ReplicaState::running && rep.in_service < rep.concurrency &&
         svc.queued > 0) {
    const Service::Queued q = svc.queue.front();
    svc.queue.pop_front();
    --svc.queued;
    begin_request(r, q.sequence, q.request, svc.function);
  }
}

void Cluster::enqueue(Service& svc, std::uint64_t sequence, const Request& request) {
  svc.queue.push_back({sequence, request});
  ++svc.queued;
}

void Cluster::begin_request(std::uint32_t r, std::uint64_t sequence, const Request& request,
                            bool cold) {
  Replica& rep = replicas_[r];
  Service& svc = services_[rep.service];
  // [fn] Only a function's replica is ever idle or pre-warmed (went_idle, prewarm): other
  // requests skip the replica's cold line.
  if (svc.function) {
    end_idle(r);
    rep.prewarmed = false;
    rep.expires_at = sim::Time::max();
  }
  VMCSIM_ASSERT(svc.function || (!rep.idle && !rep.prewarmed && rep.expires_at == sim::Time::max()),
                "a replica of a service that is not a function is idle or pre-warmed");
  ++rep.in_service;
  ++svc.in_service;
  refresh_route(r);
  std::uint32_t f = free_flight_;
  if (f == kNone) {
    f = static_cast<std::uint32_t>(flights_.size());
    flights_.emplace_back();
  } else {
    free_flight_ = flights_[f].next_free;
  }
  flights_[f] = InFlight{r, kNone, sequence, request.arrival, sim_.now(), {}, true, cold};
  IoStep io{f,
            r,
            static_cast<std::uint32_t>(rep.service),
            rep.disk_path_size,
            rep.disk_path,
            request.io_bytes * rep.io_scale};
  // One request is one thread: at most one core, through the instance's limit, the node's CPU
  // and, for a container in a VM, the physical CPU under it.
  const std::array<ResourceId, 3> path = rep.cpu_path;
  const double work = request.cpu_time.seconds() * rep.cpu_time_factor * kMillicoresPerCore;
  flights_[f].flow = flows_->start_flow(std::span{path.data(), rep.cpu_path_size}, work,
                                        kMillicoresPerCore, [this, io] { cpu_done(io); });
}

void Cluster::cpu_done(const IoStep& step) {
  if (step.io <= sim::Bytes{}) {
    io_done(step.flight, step.replica, step.service);
    return;
  }
  const std::uint32_t f = step.flight, r = step.replica, k = step.service;
  flights_[f].flow =
      flows_->start_flow(std::span{step.disk_path.data(), step.disk_path_size},
                         static_cast<double>(step.io.count()), kUncapped,
                         [this, f, r, k] { io_done(f, r, k); });
}

void Cluster::io_done(std::uint32_t f, std::uint32_t r, std::uint32_t k) {
  const InFlight fl = flights_[f];
  VMCSIM_ASSERT(fl.replica == r && replicas_[r].service == k,
                "a request's I/O step carries another flight's replica or service");
  flights_[f].active = false;
  flights_[f].next_free = free_flight_;
  free_flight_ = f;
  Replica& rep = replicas_[r];
  Service& svc = services_[k];
  --rep.in_service;
  --svc.in_service;
  ++svc.completed;
  refresh_route(r);
  const sim::Time now = sim_.now();
  check_requests(svc);
  if (svc.function) {  // [fn] Lambda bills configured memory x duration, 1 ms up
    auto& st = svc.stats;
    ++st.requests;
    st.cold_starts += fl.cold;
    if (fl.cold) st.cold_wait += fl.start - fl.arrival;
    const double ms = std::ceil((now - fl.start).milliseconds() - 1e-9);
    st.billed_gb_seconds += ms / 1000.0 * svc.config->memory_limit.gib_value();
  }
  on_request_done.emit(RequestOutcome{k, fl.sequence, fl.arrival, fl.start, now,
                                      now - fl.arrival, rep.instance, fl.cold});
  if (rep.state == ReplicaState::draining && rep.in_service == 0) {
    rep.state = ReplicaState::stopping;
    runtime_->stop(rep.instance, [this, r](Instance&) { replica_stopped(r); });
    return;
  }
  dispatch(r);
  went_idle(r);  // [fn]
}

}  // namespace vmcsim::models
