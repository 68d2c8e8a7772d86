#include "app/results/instance_spool.hpp"

#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filtering_stream.hpp>

#include "app/diagnostic.hpp"
#include "app/runner/mpi_codec.hpp"

namespace vmcsim::app {
namespace {

namespace fs = std::filesystem;
namespace io = boost::iostreams;
namespace mm = models::metrics;

InputError spool_error(const fs::path& path, const std::string& what) {
  return InputError({path.string(), 0, 0}, "",
                    fmt::format("{} (instances are spilled to a temporary folder; set TMPDIR to "
                                "one with room)",
                                what));
}

std::string errno_text() {
  return errno != 0 ? std::string{std::strerror(errno)} : std::string{"I/O error"};
}

}  // namespace

InstanceSpool::~InstanceSpool() {
  if (folder_.empty()) return;
  std::error_code ec;
  fs::remove_all(folder_, ec);  // nothing to report from a destructor; the folder is in TMPDIR
}

const fs::path& InstanceSpool::folder() const {
  std::call_once(made_, [this] {
    std::error_code ec;
    fs::path base = fs::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string name = (base / "vmcsim-instances-XXXXXX").string();
    errno = 0;
    if (::mkdtemp(name.data()) == nullptr)
      throw spool_error(base, "cannot make a temporary folder: " + errno_text());
    folder_ = name;
  });
  return folder_;
}

namespace {

// Writes records [0, n) of `at` (each with its order) as one gzip chunk: per record its order,
// its encoded length, the encoding.
template <class At>
void write_records(const fs::path& path, std::size_t n, At at) {
  errno = 0;
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) throw spool_error(path, "cannot create the file: " + errno_text());
  {
    // The fastest level: the chunk is read once and removed, and the run waits for it.
    io::filtering_ostream z;
    z.push(io::gzip_compressor(io::gzip_params(io::gzip::best_speed)));
    z.push(file);
    runner::ByteWriter w;
    for (std::size_t k = 0; k < n; ++k) {
      std::uint64_t order = 0;
      runner::encode_instance(w, at(k, order));
      const std::string bytes = w.take();
      const std::uint64_t size = bytes.size();
      z.write(reinterpret_cast<const char*>(&order), sizeof order);
      z.write(reinterpret_cast<const char*>(&size), sizeof size);
      z.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    z.reset();  // flushes the compressor and writes the gzip trailer
  }
  file.close();
  if (!file) throw spool_error(path, "cannot write the file: " + errno_text());
}

// One chunk being read: its next record (head) and that record's order.
struct ChunkReader {
  explicit ChunkReader(const InstanceSpool::Chunk& c) : chunk(c), file(c.file, std::ios::binary) {
    if (!file) throw spool_error(c.file, "cannot read the file back: " + errno_text());
    z.push(io::gzip_decompressor());
    z.push(file);
  }
  // Decodes the next record into `into`; false at the chunk's end.
  bool next(mm::InstanceLifecycle& into) {
    if (read == chunk.rows) return false;
    std::uint64_t n = 0;
    z.read(reinterpret_cast<char*>(&order), sizeof order);
    if (z) z.read(reinterpret_cast<char*>(&n), sizeof n);
    bytes.resize(n);
    if (z) z.read(bytes.data(), static_cast<std::streamsize>(n));
    if (!z) throw spool_error(chunk.file, fmt::format("the file ends before record {}", read + 1));
    ++read;
    runner::ByteReader r{bytes};
    runner::decode_instance(r, into);
    return true;
  }

  const InstanceSpool::Chunk& chunk;
  std::ifstream file;
  io::filtering_istream z;
  std::uint64_t read = 0, order = 0;
  std::string bytes;
  mm::InstanceLifecycle head;
};

}  // namespace

InstanceSpool::Chunk InstanceSpool::write_chunk(std::size_t key, std::size_t index,
                                                std::span<const Ordered> records) const {
  Chunk chunk{folder() / fmt::format("part-{}-{}.bin.gz", key, index), records.size()};
  write_records(
      chunk.file, records.size(), [&](std::size_t k, std::uint64_t & order) -> auto& {
        order = records[k].order;
        return records[k].record;
      });
  return chunk;
}

InstanceSpool::Part InstanceSpool::write(std::size_t key, const std::string& variant,
                                         int replication,
                                         std::span<const mm::InstanceLifecycle> records) const {
  Part part{{}, variant, replication, records.size(), {}, {}};
  std::set<std::string, std::less<>> seen;
  for (const auto& r : records)
    for (const auto& phase : r.phases)
      if (seen.insert(phase.name).second) part.phases.push_back(phase.name);
  Chunk chunk{folder() / fmt::format("part-{}-0.bin.gz", key), records.size()};
  write_records(
      chunk.file, records.size(), [&](std::size_t k, std::uint64_t & order) -> auto& {
        order = k;
        return records[k];
      });
  part.chunks.push_back(std::move(chunk));
  return part;
}

std::string InstanceSpool::bytes_of(const Chunk& chunk) {
  std::ifstream file(chunk.file, std::ios::binary);
  if (!file) throw spool_error(chunk.file, "cannot read the file back: " + errno_text());
  std::ostringstream bytes;
  bytes << file.rdbuf();
  if (!file) throw spool_error(chunk.file, "cannot read the file back: " + errno_text());
  return std::move(bytes).str();
}

InstanceSpool::Chunk InstanceSpool::adopt(std::size_t key, std::size_t index, std::uint64_t rows,
                                          std::string_view bytes) const {
  Chunk chunk{folder() / fmt::format("part-{}-{}.bin.gz", key, index), rows};
  errno = 0;
  std::ofstream file(chunk.file, std::ios::binary | std::ios::trunc);
  if (!file) throw spool_error(chunk.file, "cannot create the file: " + errno_text());
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  file.close();
  if (!file) throw spool_error(chunk.file, "cannot write the file: " + errno_text());
  return chunk;
}

void InstanceSpool::remove(const Part& part) {
  for (const Chunk& c : part.chunks) {
    std::error_code ec;
    fs::remove(c.file, ec);  // what is left goes with the folder
  }
}

void InstanceSpool::read(const Part& part, mm::InstanceLifecycle& into,
                         const std::function<void()>& each) {
  std::vector<std::unique_ptr<ChunkReader>> readers;
  readers.reserve(part.chunks.size());
  for (const Chunk& c : part.chunks)
    readers.push_back(std::make_unique<ChunkReader>(c));
  auto amendment = part.amendments.begin();
  const auto emit = [&](std::uint64_t order) {
    while (amendment != part.amendments.end() && amendment->order < order)
      ++amendment;
    if (amendment != part.amendments.end() && amendment->order == order) {
      into.function_start = amendment->function_start;
      into.keep_alive_unload = amendment->keep_alive_unload;
    }
    each();
  };
  if (readers.size() == 1) {  // no merge: straight into the caller's record
    while (readers.front()->next(into))
      emit(readers.front()->order);
    return;
  }
  // A k-way merge on the heads' orders (unique within a part).
  const auto later = [&](std::size_t a, std::size_t b) {
    return readers[a]->order > readers[b]->order;
  };
  std::vector<std::size_t> heap;
  for (std::size_t k = 0; k < readers.size(); ++k)
    if (readers[k]->next(readers[k]->head)) heap.push_back(k);
  std::make_heap(heap.begin(), heap.end(), later);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    ChunkReader& r = *readers[heap.back()];
    std::swap(into, r.head);
    emit(r.order);
    if (r.next(r.head)) {
      std::push_heap(heap.begin(), heap.end(), later);
    } else {
      heap.pop_back();
    }
  }
}

}  // namespace vmcsim::app
