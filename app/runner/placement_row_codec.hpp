#pragma once
// A pod-trace replay's table row as bytes, for `mpirun -n K vmcsim run` of a placement
// benchmark: each rank replays its share of the (variant, replication) jobs and sends rank 0,
// beside each job's VariantRunMetrics (mpi_codec.hpp), the row placement_table() and the
// decision timing need. Only those fields travel (documented in the .cpp); the rest of the
// ReplayResult is left default. Same architecture on every rank, as for mpi_codec.
#include <string>
#include <string_view>

#include "app/runner/placement_benchmark.hpp"

namespace vmcsim::app::runner {

std::string encode_placement_row(const PlacementRow& row);
// placement_table(decode(encode(rows))) is the same text as placement_table(rows).
PlacementRow decode_placement_row(std::string_view bytes);

}  // namespace vmcsim::app::runner
