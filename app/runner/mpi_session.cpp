#include "app/runner/mpi_session.hpp"

#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "app/diagnostic.hpp"
#include "app/runner/mpi_codec.hpp"

#ifdef VMCSIM_WITH_MPI
#include <mpi.h>
#endif

namespace vmcsim::app::runner {
namespace {

// Whether an MPI launcher started this process: Open MPI's mpirun sets OMPI_COMM_WORLD_SIZE,
// Slurm's srun (PMI/PMIx) and MPICH's Hydra set PMI_SIZE.
[[maybe_unused]] bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (const char* v = std::getenv(name); v != nullptr && *v != '\0') return true;
  return false;
}

enum Status : std::uint64_t { ok = 0, internal = 1, input = 2 };

[[maybe_unused]] void encode_error(ByteWriter& w, std::exception_ptr error) {
  if (!error) {
    w.put_u64(ok);
    return;
  }
  try {
    std::rethrow_exception(error);
  } catch (const InputError& e) {
    w.put_u64(input);
    w.put_string(e.where().file);
    w.put_i64(e.where().line);
    w.put_i64(e.where().column);
    w.put_string(e.field());
    w.put_string(e.message());
  } catch (const std::exception& e) {
    w.put_u64(internal);
    w.put_string(e.what());
  } catch (...) {
    w.put_u64(internal);
    w.put_string("an exception of unknown type");
  }
}

// The error a rank sent, rethrown on rank 0 (nothing if it had none).
[[maybe_unused]] void rethrow_error(ByteReader& r, int rank) {
  const std::uint64_t status = r.get_u64();
  if (status == ok) return;
  if (status == input) {
    SourceLocation where;
    where.file = r.get_string();
    where.line = static_cast<int>(r.get_i64());
    where.column = static_cast<int>(r.get_i64());
    std::string field = r.get_string();
    throw InputError(std::move(where), std::move(field), r.get_string());
  }
  throw std::runtime_error(fmt::format("MPI rank {}: {}", rank, r.get_string()));
}

// One rank's message: its error status, then (slot, done, wall seconds, metrics, extra bytes)
// per job.
[[maybe_unused]] std::string encode_share(std::span<const std::size_t> mine, const JobSlots& slots,
                         std::exception_ptr error) {
  ByteWriter w;
  encode_error(w, error);
  w.put_u64(mine.size());
  for (const std::size_t i : mine) {
    w.put_u64(i);
    w.put_u64(slots.done[i] ? 1 : 0);
    w.put_double(slots.wall_seconds[i]);
    if (slots.done[i]) encode_run(w, slots.metrics[i]);
    if (slots.done[i] && slots.extra != nullptr) w.put_string((*slots.extra)[i]);
  }
  return w.take();
}

// Rank 0: puts a rank's jobs into their slots, then rethrows its error if it sent one.
[[maybe_unused]] void decode_share(std::string_view bytes, int rank, const JobSlots& slots) {
  ByteReader r{bytes};
  ByteReader error = r;
  // The error comes first in the message; read past it, then back to it once slots are in.
  {
    const std::uint64_t status = r.get_u64();
    if (status == input) {
      r.get_string(), r.get_i64(), r.get_i64(), r.get_string(), r.get_string();
    } else if (status == internal) {
      r.get_string();
    }
  }
  for (std::uint64_t n = r.get_u64(); n > 0; --n) {
    const std::size_t i = r.get_u64();
    if (i >= slots.done.size()) throw std::logic_error("MPI: a rank sent a job out of range");
    slots.done[i] = r.get_u64() != 0 ? 1 : 0;
    slots.wall_seconds[i] = r.get_double();
    if (slots.done[i]) slots.metrics[i] = decode_run(r);
    if (slots.done[i] && slots.extra != nullptr) (*slots.extra)[i] = r.get_string();
  }
  rethrow_error(error, rank);
}

#ifdef VMCSIM_WITH_MPI
// MPI for the life of the process, once an MPI launcher is seen; finalised at exit.
struct MpiSession {
  Ranks ranks;
  MpiSession() {
    if (!launched_by_mpi()) return;
    int provided = 0;
    // Only the main thread calls MPI (the runner's workers never do).
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &ranks.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks.size);
    std::atexit([] {
      int finalized = 0;
      MPI_Finalized(&finalized);
      if (!finalized) MPI_Finalize();
    });
  }
};

bool gather_mpi(const Ranks& ranks, std::span<const std::size_t> mine, const JobSlots& slots,
                std::exception_ptr error) {
  const std::string share = encode_share(mine, slots, error);
  if (share.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::runtime_error("MPI: one rank's results exceed 2 GiB; use more ranks");
  int size = static_cast<int>(share.size());
  std::vector<int> sizes(ranks.root() ? static_cast<std::size_t>(ranks.size) : 0);
  MPI_Gather(&size, 1, MPI_INT, sizes.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  std::vector<int> offsets(sizes.size(), 0);
  std::size_t total = 0;
  for (std::size_t r = 0; r < sizes.size(); ++r) {
    if (total > static_cast<std::size_t>(std::numeric_limits<int>::max()))
      throw std::runtime_error("MPI: the gathered results exceed 2 GiB");
    offsets[r] = static_cast<int>(total);
    total += static_cast<std::size_t>(sizes[r]);
  }
  std::string all(total, '\0');
  MPI_Gatherv(share.data(), size, MPI_BYTE, all.data(), sizes.data(), offsets.data(), MPI_BYTE, 0,
              MPI_COMM_WORLD);
  if (!ranks.root()) return false;
  // Every rank's jobs into their slots first; then the errors, rank 0's own first.
  std::exception_ptr first;
  for (int r = 0; r < ranks.size; ++r) {
    try {
      decode_share(std::string_view{all}.substr(static_cast<std::size_t>(offsets[r]),
                                                static_cast<std::size_t>(sizes[r])),
                   r, slots);
    } catch (...) {
      if (!first) first = std::current_exception();
    }
  }
  if (first) std::rethrow_exception(first);
  return true;
}

constexpr int kPieceTag = 1, kEndTag = 2;

void send_pieces_mpi(const Ranks& ranks, const std::function<bool(std::string&)>& next,
                     const std::function<void(int, std::string_view)>& take) {
  // Either side that fails still ends the exchange (the end mark sent, every piece received),
  // so that no rank waits forever; the failure is rethrown after.
  std::exception_ptr failed;
  std::string piece;
  if (!ranks.root()) {
    try {
      while (next(piece)) {
        if (piece.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
          throw std::runtime_error("MPI: one piece of results exceeds 2 GiB");
        MPI_Send(piece.data(), static_cast<int>(piece.size()), MPI_BYTE, 0, kPieceTag,
                 MPI_COMM_WORLD);
      }
    } catch (...) {
      failed = std::current_exception();
    }
    MPI_Send(nullptr, 0, MPI_BYTE, 0, kEndTag, MPI_COMM_WORLD);
    if (failed) std::rethrow_exception(failed);
    return;
  }
  for (int r = 1; r < ranks.size; ++r) {
    for (;;) {
      MPI_Status status;
      MPI_Probe(r, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
      int n = 0;
      MPI_Get_count(&status, MPI_BYTE, &n);
      piece.resize(static_cast<std::size_t>(n));
      MPI_Recv(piece.data(), n, MPI_BYTE, r, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (status.MPI_TAG == kEndTag) break;
      if (failed) continue;
      try {
        take(r, piece);
      } catch (...) {
        failed = std::current_exception();
      }
    }
  }
  if (failed) std::rethrow_exception(failed);
}
#endif

}  // namespace

bool built_with_mpi() {
#ifdef VMCSIM_WITH_MPI
  return true;
#else
  return false;
#endif
}

Ranks ranks() {
#ifdef VMCSIM_WITH_MPI
  static const MpiSession session;
  return session.ranks;
#else
  return {};
#endif
}

bool gather_jobs(const Ranks& ranks, std::span<const std::size_t> mine, JobSlots slots,
                 std::exception_ptr error) {
  if (ranks.size == 1) {
    if (error) std::rethrow_exception(error);
    return true;
  }
#ifdef VMCSIM_WITH_MPI
  return gather_mpi(ranks, mine, slots, error);
#else
  (void)mine;
  (void)slots;
  throw std::logic_error("MPI ranks without an MPI build");
#endif
}

void send_pieces(const Ranks& ranks, const std::function<bool(std::string&)>& next,
                 const std::function<void(int, std::string_view)>& take) {
  if (ranks.size == 1) return;
#ifdef VMCSIM_WITH_MPI
  send_pieces_mpi(ranks, next, take);
#else
  (void)next;
  (void)take;
  throw std::logic_error("MPI ranks without an MPI build");
#endif
}

}  // namespace vmcsim::app::runner
