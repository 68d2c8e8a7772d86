#pragma once
// The bytes one MPI rank sends rank 0 for each job it ran: a VariantRunMetrics exactly as the
// rank's collector left it (sketches and running statistics with their full state), so that
// rank 0 summarises the same values in the same order as a single process would, and writes a
// byte-identical results.json.
//
// The encoding is the in-memory representation of each scalar, fields in declaration order:
// ranks must share an architecture (endianness, double format), as the ranks of one MPI job do.
// It needs no MPI, so it is built and tested in every build (tests/app/mpi_codec_test.cpp):
// decode(encode(m)) summarises, and writes, the same bytes as m.
//
// A field added to VariantRunMetrics must be added to fields() in mpi_codec.cpp too; the
// round-trip test compares every summarised value, and the MPI stage of scripts/test compares
// results.json with cmp, so a forgotten field shows there.
#include <cstdint>
#include <string>
#include <string_view>

#include "models/metrics/run_metrics.hpp"

namespace vmcsim::app::runner {

// Appends plain values to a byte string.
class ByteWriter {
 public:
  void put_u64(std::uint64_t v) { put_raw(&v, sizeof v); }
  void put_i64(std::int64_t v) { put_raw(&v, sizeof v); }
  void put_double(double v) { put_raw(&v, sizeof v); }
  void put_string(std::string_view s) {
    put_u64(s.size());
    bytes_.append(s.data(), s.size());
  }
  void put_raw(const void* p, std::size_t n) { bytes_.append(static_cast<const char*>(p), n); }
  const std::string& bytes() const { return bytes_; }
  std::string take() { return std::move(bytes_); }

 private:
  std::string bytes_;
};

// Reads back what a ByteWriter wrote, in the same order. Reading past the end is a broken
// contract between ranks: std::logic_error (an internal error).
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}
  std::uint64_t get_u64();
  std::int64_t get_i64();
  double get_double();
  std::string get_string();
  void get_raw(void* p, std::size_t n);
  bool at_end() const { return bytes_.empty(); }

 private:
  std::string_view bytes_;
};

void encode_run(ByteWriter& out, const models::metrics::VariantRunMetrics& run);
models::metrics::VariantRunMetrics decode_run(ByteReader& in);

// One instance record, with the same field list (the instance spool's records,
// app/results/instance_spool.hpp). decode_instance overwrites every field of `into`.
void encode_instance(ByteWriter& out, const models::metrics::InstanceLifecycle& instance);
void decode_instance(ByteReader& in, models::metrics::InstanceLifecycle& into);

}  // namespace vmcsim::app::runner
