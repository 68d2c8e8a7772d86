#include "app/runner/placement_row_codec.hpp"

#include "app/runner/mpi_codec.hpp"

namespace vmcsim::app::runner {
namespace {

// The fields, in one order for both directions: what placement_table() prints and the
// decision timing the runner averages (ReplayResult in models/placement/replay.hpp).
template <class IO>
void fields(IO& io, PlacementRow& row) {
  auto& r = row.result;
  io.str(row.variant), io.str(row.placement), io.str(row.profile), io.flag(row.vm_per_pod);
  io.size(r.pods_total), io.size(r.pods_placed), io.size(r.pods_gave_up);
  io.size(r.pods_still_waiting), io.size(r.peak_nodes_used);
  io.time(r.pending_p50), io.time(r.pending_p99), io.time(r.never_placed_wait_mean);
  for (auto* v : {&r.stranded_mean, &r.stranded_peak}) {
    std::int64_t cpu = v->cpu.value(), memory = v->memory.count();
    io.i64(cpu), io.i64(memory);
    v->cpu = sim::Millicores{cpu};
    v->memory = sim::Bytes{memory};
  }
  io.real(r.gpu_fragmentation_mean), io.real(r.gpu_fragmentation_peak);
  for (double& d : r.peak_demand)
    io.real(d);
  std::size_t decisions = r.timing.decisions;
  io.size(decisions);
  r.timing.decisions = decisions;
  io.real(r.timing.mean_us), io.real(r.timing.p99_us);
}

struct Writer {
  ByteWriter w;
  void str(std::string& s) { w.put_string(s); }
  void flag(bool& b) { w.put_u64(b ? 1 : 0); }
  void size(std::size_t& n) { w.put_u64(n); }
  void i64(std::int64_t& v) { w.put_i64(v); }
  void time(sim::Time& t) { w.put_i64(t.ns()); }
  void real(double& d) { w.put_double(d); }
};

struct Reader {
  ByteReader r;
  void str(std::string& s) { s = r.get_string(); }
  void flag(bool& b) { b = r.get_u64() != 0; }
  void size(std::size_t& n) { n = static_cast<std::size_t>(r.get_u64()); }
  void i64(std::int64_t& v) { v = r.get_i64(); }
  void time(sim::Time& t) { t = sim::Time::from_ns(r.get_i64()); }
  void real(double& d) { d = r.get_double(); }
};

}  // namespace

std::string encode_placement_row(const PlacementRow& row) {
  PlacementRow copy = row;  // fields() reads through the same references it would write
  Writer w;
  fields(w, copy);
  return w.w.take();
}

PlacementRow decode_placement_row(std::string_view bytes) {
  PlacementRow row;
  Reader r{ByteReader{bytes}};
  fields(r, row);
  return row;
}

}  // namespace vmcsim::app::runner
