#pragma once
// What a finished job's instance records leave behind before they are freed, so that the
// memory a run holds for them does not grow with its replications (app/results/instance_spool.hpp):
//  - its per-tenant slices (models/tenancy/tenant_metrics.hpp), the one summary that reads the
//    records, made now rather than at the end;
//  - for the run's first point (the one whose instances instances.csv and trace.json list), a
//    part of the spool holding the records, each node VM's service read as "node".
// Called as each job ends, on the rank that ran it; under MPI the other ranks send rank 0 what
// it left (encode_spilled) beside their metrics, and then the records' chunks, compressed, one
// at a time (send_chunks).
#include <cstddef>
#include <exception>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/results/instance_spool.hpp"
#include "app/results/instance_stream.hpp"
#include "app/runner/mpi_session.hpp"
#include "app/scenario/scenario.hpp"
#include "models/metrics/run_metrics.hpp"

namespace vmcsim::app::runner {

struct SpilledSlot {
  bool spilled = false;                     ///< this slot's records are gone (spill_slot ran)
  std::optional<InstanceSpool::Part> part;  ///< the listed point's records
  /// One slice per tenant of the scenario, in its order; empty without tenants.
  std::vector<models::metrics::VariantRunMetrics> tenant_slices;
};

/// Takes `run`'s instance records (left empty) into the returned slot: into a part of `spool`
/// named `key` when they belong in the results' list, or nowhere when `spool` is null.
SpilledSlot spill_slot(models::metrics::VariantRunMetrics& run, const scenario::Scenario& point,
                       const InstanceSpool* spool, std::size_t key);

/// A job whose records went to `stream` as its instances ended (instance_stream.hpp): closes the
/// stream and reads the part back, in creation order, for the per-tenant slices; the part stays
/// in the slot when `listed`, else its files are removed.
SpilledSlot spill_stream(InstanceStream& stream, const models::metrics::VariantRunMetrics& run,
                         const scenario::Scenario& point, bool listed);

/// Whether a job of `point` needs its instance records at all: listed, or sliced by tenant.
bool needs_records(const scenario::Scenario& point, bool listed);

/// What an MPI rank sends rank 0 beside a job's metrics (mpi_session.hpp, JobSlots::extra): the
/// slot's tenant slices and what its part holds (rows, phase names, amendments, each chunk's row
/// count), without the chunks' bytes, which follow one at a time (send_chunks).
std::string encode_spilled(const SpilledSlot& slot);
/// Rank 0: the slot a rank sent; its part's chunks are named but not written until send_chunks
/// brings them.
SpilledSlot decode_spilled(std::string_view bytes);

/// Collective, after the gather (mpi_session.hpp, send_pieces): every rank but 0 sends rank 0 the
/// chunks of its finished slots' parts, one chunk per message, compressed as spilled, in the
/// order of its share; rank 0 writes each into `spool` as it arrives, in the part of the slot
/// decode_spilled filled. `share_of(r)`: rank r's slots in the order it ran them (the same on
/// every rank). So no rank holds more than one chunk of records for the gather.
void send_chunks(const Ranks& ranks, const std::function<std::vector<std::size_t>(int)>& share_of,
                 std::vector<SpilledSlot>& spilled, const std::vector<char>& done,
                 const InstanceSpool& spool);

/// Collective, the whole of a run's gather under MPI: gather_jobs (mpi_session.hpp; `slots.extra`
/// holds each finished job's encode_spilled), rank 0 decodes the other ranks' slots into
/// `spilled`, then send_chunks. Returns what gather_jobs does (true on rank 0); if rank 0's
/// gather throws, the chunks are still received (and dropped) so that no rank waits forever.
bool gather_spilled(const Ranks& ranks, std::span<const std::size_t> mine, JobSlots slots,
                    std::exception_ptr error, std::vector<SpilledSlot>& spilled,
                    const std::function<std::vector<std::size_t>(int)>& share_of,
                    const InstanceSpool& spool);

}  // namespace vmcsim::app::runner
