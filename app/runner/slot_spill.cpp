#include "app/runner/slot_spill.hpp"

#include <functional>
#include <stdexcept>
#include <utility>

#include "app/runner/mpi_codec.hpp"
#include "app/runner/tenancy.hpp"
#include "models/tenancy/tenant_metrics.hpp"

namespace vmcsim::app::runner {

SpilledSlot spill_slot(models::metrics::VariantRunMetrics& run, const scenario::Scenario& point,
                       const InstanceSpool* spool, std::size_t key) {
  SpilledSlot slot;
  slot.spilled = true;
  if (!point.tenancy.tenants.empty()) {
    const models::tenancy::TenantServices services = tenant_services(point);
    for (const std::string& tenant : point.tenancy.tenants)
      slot.tenant_slices.push_back(models::tenancy::tenant_slice(run, tenant, services));
  }
  if (spool != nullptr) {
    for (auto& i : run.instances)
      if (i.node_vm) i.service = "node";
    slot.part = spool->write(key, run.variant, static_cast<int>(run.replication), run.instances);
  }
  // swap, not clear(): the capacity goes too.
  std::vector<models::metrics::InstanceLifecycle>{}.swap(run.instances);
  return slot;
}

bool needs_records(const scenario::Scenario& point, bool listed) {
  return listed || !point.tenancy.tenants.empty();
}

SpilledSlot spill_stream(InstanceStream& stream, const models::metrics::VariantRunMetrics& run,
                         const scenario::Scenario& point, bool listed) {
  SpilledSlot slot;
  slot.spilled = true;
  InstanceSpool::Part part = stream.close(run.variant, static_cast<int>(run.replication));
  if (!point.tenancy.tenants.empty()) {
    const models::tenancy::TenantServices services = tenant_services(point);
    const auto records =
        [&](const std::function<void(const models::metrics::InstanceLifecycle&)>& each) {
          models::metrics::InstanceLifecycle record;
          InstanceSpool::read(part, record, [&] { each(record); });
        };
    for (const std::string& tenant : point.tenancy.tenants)
      slot.tenant_slices.push_back(models::tenancy::tenant_slice(run, tenant, services, records));
  }
  if (listed) {
    slot.part = std::move(part);
  } else {
    InstanceSpool::remove(part);
  }
  return slot;
}

std::string encode_spilled(const SpilledSlot& slot) {
  ByteWriter w;
  w.put_u64(slot.tenant_slices.size());
  for (const auto& t : slot.tenant_slices)
    encode_run(w, t);
  w.put_u64(slot.part ? 1 : 0);
  if (const auto& part = slot.part) {
    w.put_string(part->variant);
    w.put_i64(part->replication);
    w.put_u64(part->rows);
    w.put_u64(part->phases.size());
    for (const auto& name : part->phases)
      w.put_string(name);
    w.put_u64(part->amendments.size());
    for (const auto& a : part->amendments) {
      w.put_u64(a.order);
      w.put_string(a.function_start);
      w.put_u64(a.keep_alive_unload ? 1 : 0);
    }
    w.put_u64(part->chunks.size());
    for (const auto& chunk : part->chunks)
      w.put_u64(chunk.rows);
  }
  return w.take();
}

SpilledSlot decode_spilled(std::string_view bytes) {
  ByteReader r{bytes};
  SpilledSlot slot;
  slot.spilled = true;
  for (std::uint64_t n = r.get_u64(); n > 0; --n)
    slot.tenant_slices.push_back(decode_run(r));
  if (r.get_u64() != 0) {
    InstanceSpool::Part part;
    part.variant = r.get_string();
    part.replication = static_cast<int>(r.get_i64());
    part.rows = r.get_u64();
    for (std::uint64_t n = r.get_u64(); n > 0; --n)
      part.phases.push_back(r.get_string());
    for (std::uint64_t n = r.get_u64(); n > 0; --n) {
      InstanceSpool::Amendment a;
      a.order = r.get_u64();
      a.function_start = r.get_string();
      a.keep_alive_unload = r.get_u64() != 0;
      part.amendments.push_back(std::move(a));
    }
    for (std::uint64_t n = r.get_u64(); n > 0; --n)
      part.chunks.push_back({{}, r.get_u64()});  // the file comes with send_chunks
    slot.part = std::move(part);
  }
  return slot;
}

void send_chunks(const Ranks& ranks, const std::function<std::vector<std::size_t>(int)>& share_of,
                 std::vector<SpilledSlot>& spilled, const std::vector<char>& done,
                 const InstanceSpool& spool) {
  // The chunks of `slots` in order: (slot, chunk index).
  const auto chunks_of = [&](const std::vector<std::size_t>& slots) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    for (const std::size_t i : slots)
      if (done[i] && spilled[i].part)
        for (std::size_t k = 0; k < spilled[i].part->chunks.size(); ++k)
          out.emplace_back(i, k);
    return out;
  };
  std::vector<std::pair<std::size_t, std::size_t>> order;
  std::size_t next = 0;
  int from = -1;  // rank 0: the rank whose chunks `order` lists
  if (!ranks.root()) order = chunks_of(share_of(ranks.rank));
  send_pieces(
      ranks,
      [&](std::string& piece) {
        if (next == order.size()) return false;
        const auto [i, k] = order[next++];
        piece = InstanceSpool::bytes_of(spilled[i].part->chunks[k]);
        return true;
      },
      [&](int rank, std::string_view piece) {
        if (rank != from) {
          from = rank;
          order = chunks_of(share_of(rank));
          next = 0;
        }
        if (next == order.size()) throw std::logic_error("MPI: a rank sent a chunk too many");
        const auto [i, k] = order[next++];
        InstanceSpool::Chunk& chunk = spilled[i].part->chunks[k];
        chunk = spool.adopt(i, k, chunk.rows, piece);
      });
}

bool gather_spilled(const Ranks& ranks, std::span<const std::size_t> mine, JobSlots slots,
                    std::exception_ptr error, std::vector<SpilledSlot>& spilled,
                    const std::function<std::vector<std::size_t>(int)>& share_of,
                    const InstanceSpool& spool) {
  bool root = false;
  try {
    root = gather_jobs(ranks, mine, slots, error);
  } catch (...) {
    send_pieces(
        ranks, [](std::string&) { return false; }, [](int, std::string_view) {});
    throw;
  }
  if (root && slots.extra != nullptr)
    for (std::size_t i = 0; i < spilled.size(); ++i)  // the other ranks' jobs
      if (slots.done[i] && !spilled[i].spilled) {
        spilled[i] = decode_spilled((*slots.extra)[i]);
        std::string{}.swap((*slots.extra)[i]);
      }
  send_chunks(ranks, share_of, spilled, slots.done, spool);
  return root;
}

}  // namespace vmcsim::app::runner
