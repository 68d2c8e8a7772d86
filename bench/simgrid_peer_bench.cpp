// vmcsim's FlowModel against SimGrid (Debian libsimgrid-dev), the reference for fluid max-min
// sharing, on the same flows: H hosts, each a CPU of its own speed; on each host k "slots", each
// running one flow after another (a flow's completion starts the slot's next one), half of the
// slots capped at 1/8 of the host's speed; the slot's amounts come from its own random stream, so
// both simulators see the same flows, arrivals and departures as long as they give the same
// shares. Run for the simulated time in which vmcsim completes about --completions flows;
// events = flow completions.
//
// SimGrid's LMM solver (simgrid::kernel::lmm::System) is not in Debian's installed headers (only
// s4u, the public API, is), so the peer is SimGrid's s4u engine: one actor per slot running
// exec_init(amount)->set_bound(cap)->wait() in a loop on its host (the Cas01 CPU model, lazy
// updates: its LMM system re-solves only the modified constraints, and a heap of action finish
// times). That counts SimGrid's actor context switches too, so the ratio is against SimGrid's
// engine doing fluid sharing, not the bare solver.
//
//   simgrid_peer_bench [--completions 200000]
//
// First a check on small cases (2 hosts x 3 slots; 3 hosts x 12 slots; 2 hosts x 40 slots, where
// vmcsim's classes of 20 flows run in virtual time): every completion time must agree within a
// relative 1e-6 (SimGrid rounds to its maxmin/precision 1e-5 of a flop/s
// and surf/precision 1e-9 s; vmcsim to whole ns); the bench exits 1 otherwise. Then the table:
// CPU seconds and completions per CPU second of both (SimGrid's in a forked child: its Engine
// is a process-wide singleton).
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <simgrid/s4u.hpp>
#include "bench/bench_support.hpp"

#include "models/resources/flow_model.hpp"
#include "sim/distributions.hpp"
#include "sim/random.hpp"
#include "sim/simulation.hpp"

using namespace vmcsim;
using bench::cpu_seconds;
using bench::peak_rss_mib;

namespace {

struct Config {
  int hosts;
  int slots;       // flows in progress per host
  double horizon;  // simulated seconds
};

// The world both simulators run: speeds, caps, and each slot's amounts.
struct World {
  Config c;
  std::vector<double> speed;  // per host, units/s
  explicit World(Config cfg) : c{cfg} {
    sim::RandomStream rng{7, 0, "bench/simgrid-peer/hosts"};
    for (int h = 0; h < c.hosts; ++h)
      speed.push_back(1e9 * (1.0 + rng.uniform01()));
  }
  double cap(int h, int slot) const { return slot % 2 == 1 ? speed[h] / 8 : -1.0; }
  sim::RandomStream stream(int h, int slot) const {
    return sim::RandomStream{7, static_cast<std::uint64_t>(h * c.slots + slot),
                             "bench/simgrid-peer/slot"};
  }
  // Mean 50 ms of the whole host.
  double amount(int h, sim::RandomStream& s) const {
    return std::max(1.0, std::round(sim::Exponential{0.05 * speed[h]}.sample(s)));
  }
};

struct Outcome {
  double cpu_s = 0;
  std::vector<double> completions;  // per slot, in order; slots concatenated
  std::vector<std::size_t> per_slot;
};

// --- vmcsim -----------------------------------------------------------------------------------
class VmcsimRun {
 public:
  explicit VmcsimRun(const World& w) : w_{w} {
    for (int h = 0; h < w.c.hosts; ++h)
      cpu_.push_back(flows_.add_resource(fmt::format("h{}", h), w.speed[h]));
    for (int h = 0; h < w.c.hosts; ++h)
      for (int s = 0; s < w.c.slots; ++s) {
        streams_.push_back(w.stream(h, s));
        done_.emplace_back();
      }
  }
  Outcome run() {
    const double c0 = cpu_seconds();
    for (int h = 0; h < w_.c.hosts; ++h)
      for (int s = 0; s < w_.c.slots; ++s)
        start(h, s);
    sim_.run();
    Outcome o;
    o.cpu_s = cpu_seconds() - c0;
    for (auto& d : done_) {
      o.per_slot.push_back(d.size());
      o.completions.insert(o.completions.end(), d.begin(), d.end());
    }
    return o;
  }

 private:
  void start(int h, int s) {
    const std::size_t k = static_cast<std::size_t>(h * w_.c.slots + s);
    const double cap = w_.cap(h, s);
    flows_.start_flow(std::span{&cpu_[h], 1}, w_.amount(h, streams_[k]),
                      cap > 0 ? cap : models::kUncapped, [this, h, s, k] {
                        done_[k].push_back(sim_.now().seconds());
                        if (sim_.now().seconds() < w_.c.horizon) start(h, s);
                      });
  }
  const World& w_;
  sim::Simulation sim_;
  models::FlowModel flows_{sim_};
  std::vector<models::ResourceId> cpu_;
  std::vector<sim::RandomStream> streams_;
  std::vector<std::vector<double>> done_;
};

// --- SimGrid (in a child process) --------------------------------------------------------------
Outcome simgrid_run(const World& w) {
  int argc = 1;
  char name[] = "simgrid_peer_bench";
  char* argv[] = {name, nullptr};
  simgrid::s4u::Engine e(&argc, argv);
  simgrid::s4u::Engine::set_config("cpu/optim:Lazy");
  auto* zone = simgrid::s4u::create_full_zone("world");
  std::vector<simgrid::s4u::Host*> hosts;
  for (int h = 0; h < w.c.hosts; ++h)
    hosts.push_back(zone->create_host(fmt::format("h{}", h), w.speed[h])->seal());
  zone->seal();
  std::vector<std::vector<double>> done(static_cast<std::size_t>(w.c.hosts * w.c.slots));
  for (int h = 0; h < w.c.hosts; ++h)
    for (int s = 0; s < w.c.slots; ++s) {
      const std::size_t k = static_cast<std::size_t>(h * w.c.slots + s);
      simgrid::s4u::Actor::create(fmt::format("a{}", k), hosts[h], [&w, &done, h, s, k] {
        sim::RandomStream rng = w.stream(h, s);
        const double cap = w.cap(h, s);
        do {
          auto exec = simgrid::s4u::this_actor::exec_init(w.amount(h, rng));
          if (cap > 0) exec->set_bound(cap);
          exec->wait();
          done[k].push_back(simgrid::s4u::Engine::get_clock());
        } while (simgrid::s4u::Engine::get_clock() < w.c.horizon);
      });
    }
  const double c0 = cpu_seconds();
  e.run();
  Outcome o;
  o.cpu_s = cpu_seconds() - c0;
  for (auto& d : done) {
    o.per_slot.push_back(d.size());
    o.completions.insert(o.completions.end(), d.begin(), d.end());
  }
  return o;
}

void write_all(int fd, const void* p, std::size_t n) {
  const char* c = static_cast<const char*>(p);
  while (n > 0) {
    const auto k = write(fd, c, n);
    if (k <= 0) _exit(3);
    c += k;
    n -= static_cast<std::size_t>(k);
  }
}

bool read_all(int fd, void* p, std::size_t n) {
  char* c = static_cast<char*>(p);
  while (n > 0) {
    const auto k = read(fd, c, n);
    if (k <= 0) return false;
    c += k;
    n -= static_cast<std::size_t>(k);
  }
  return true;
}

Outcome simgrid_in_child(const World& w) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    const Outcome o = simgrid_run(w);
    const std::size_t n = o.completions.size(), m = o.per_slot.size();
    write_all(fds[1], &o.cpu_s, sizeof o.cpu_s);
    write_all(fds[1], &n, sizeof n);
    write_all(fds[1], o.completions.data(), n * sizeof(double));
    write_all(fds[1], &m, sizeof m);
    write_all(fds[1], o.per_slot.data(), m * sizeof(std::size_t));
    _exit(0);
  }
  close(fds[1]);
  Outcome o;
  std::size_t n = 0, m = 0;
  bool ok = read_all(fds[0], &o.cpu_s, sizeof o.cpu_s) && read_all(fds[0], &n, sizeof n);
  o.completions.resize(n);
  ok = ok && read_all(fds[0], o.completions.data(), n * sizeof(double)) &&
       read_all(fds[0], &m, sizeof m);
  o.per_slot.resize(m);
  ok = ok && read_all(fds[0], o.per_slot.data(), m * sizeof(std::size_t));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("the SimGrid run failed");
  return o;
}

// Largest relative difference of matching completion times (infinity if the flows differ).
double max_difference(const Outcome& a, const Outcome& b) {
  if (a.per_slot != b.per_slot) return INFINITY;
  double worst = 0;
  for (std::size_t i = 0; i < a.completions.size(); ++i)
    worst = std::max(worst, std::abs(a.completions[i] - b.completions[i]) /
                                std::max(1e-9, std::abs(b.completions[i])));
  return worst;
}

}  // namespace

int main(int argc, char** argv) try {
  double completions = 200'000;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (k == "--completions" && i + 1 < argc) {
      completions = std::stod(argv[++i]);
    } else {
      throw std::invalid_argument("unknown argument " + k);
    }
  }
  bool same = true;
  for (const Config c : {Config{2, 3, 5.0}, Config{3, 12, 5.0}, Config{2, 40, 5.0}}) {
    const World w{c};
    const Outcome ours = VmcsimRun{w}.run();
    const Outcome theirs = simgrid_in_child(w);
    const double d = max_difference(ours, theirs);
    fmt::print(
        "check {} hosts x {} slots, {} completions: largest relative difference of a "
        "completion time {:.2e}\n",
        c.hosts, c.slots, ours.completions.size(), d);
    same = same && d <= 1e-6;
  }
  fmt::print(
      "\n| hosts | flows per host | completions | vmcsim CPU s | SimGrid CPU s | vmcsim "
      "M/CPU s | SimGrid M/CPU s | ratio |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const auto& [hosts, slots] :
       {std::pair{10, 4}, std::pair{1000, 4}, std::pair{10, 64}, std::pair{2, 1000}}) {
    // A host completes about 20 flows per simulated second, whatever its number of slots.
    const World w{Config{hosts, slots, completions / (20.0 * hosts)}};
    const Config& c = w.c;
    const Outcome ours = VmcsimRun{w}.run();
    const Outcome theirs = simgrid_in_child(w);
    const auto n = static_cast<double>(ours.completions.size());
    const auto m = static_cast<double>(theirs.completions.size());
    fmt::print("| {} | {} | {:.0f} | {:.2f} | {:.2f} | {:.3f} | {:.3f} | {:.1f} |\n", c.hosts,
               c.slots, n, ours.cpu_s, theirs.cpu_s, n / ours.cpu_s / 1e6, m / theirs.cpu_s / 1e6,
               (n / ours.cpu_s) / (m / theirs.cpu_s));
    std::fflush(stdout);
  }
  if (!same) {
    std::cerr << "simgrid_peer_bench: vmcsim and SimGrid disagree on the small cases\n";
    return 1;
  }
  return 0;
} catch (const std::exception& e) {
  std::cerr << "simgrid_peer_bench: " << e.what() << '\n';
  return 1;
}
