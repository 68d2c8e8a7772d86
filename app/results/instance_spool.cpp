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

// The records of several chunks in order (their orders are unique): a k-way merge on the
// chunks' next records, one record per chunk in memory.
class MergeReader {
 public:
  explicit MergeReader(std::span<const InstanceSpool::Chunk> chunks) {
    readers_.reserve(chunks.size());
    for (const auto& c : chunks)
      readers_.push_back(std::make_unique<ChunkReader>(c));
    if (readers_.size() == 1) return;  // no merge: straight into the caller's record
    for (std::size_t k = 0; k < readers_.size(); ++k)
      if (readers_[k]->next(readers_[k]->head)) heap_.push_back(k);
    std::make_heap(heap_.begin(), heap_.end(), later());
  }

  // The next record into `into` and its order; false after the last.
  bool next(mm::InstanceLifecycle& into, std::uint64_t& order) {
    if (readers_.size() == 1) {
      if (!readers_.front()->next(into)) return false;
      order = readers_.front()->order;
      return true;
    }
    if (pending_ != kNone) {  // the chunk last taken from moves on only now: `into` was its head
      ChunkReader& r = *readers_[pending_];
      if (r.next(r.head)) {
        heap_.push_back(pending_);
        std::push_heap(heap_.begin(), heap_.end(), later());
      }
      pending_ = kNone;
    }
    if (heap_.empty()) return false;
    std::pop_heap(heap_.begin(), heap_.end(), later());
    pending_ = heap_.back();
    heap_.pop_back();
    ChunkReader& r = *readers_[pending_];
    std::swap(into, r.head);
    order = r.order;
    return true;
  }

 private:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  struct Later {
    const MergeReader* merge;
    bool operator()(std::size_t a, std::size_t b) const {
      return merge->readers_[a]->order > merge->readers_[b]->order;
    }
  };
  Later later() const { return Later{this}; }

  std::vector<std::unique_ptr<ChunkReader>> readers_;
  std::vector<std::size_t> heap_;
  std::size_t pending_ = kNone;
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
  MergeReader merged{part.chunks};
  auto amendment = part.amendments.begin();
  std::uint64_t order = 0;
  while (merged.next(into, order)) {
    while (amendment != part.amendments.end() && amendment->order < order)
      ++amendment;
    if (amendment != part.amendments.end() && amendment->order == order) {
      into.function_start = amendment->function_start;
      into.keep_alive_unload = amendment->keep_alive_unload;
    }
    each();
  }
}

InstanceSpool::Chunk InstanceSpool::merge(std::size_t key, std::size_t index,
                                          std::span<const Chunk> chunks) const {
  Chunk out{folder() / fmt::format("part-{}-{}.bin.gz", key, index), 0};
  for (const Chunk& c : chunks)
    out.rows += c.rows;
  {
    MergeReader merged{chunks};
    mm::InstanceLifecycle record;
    write_records(
        out.file, out.rows, [&](std::size_t, std::uint64_t & order) -> auto& {
          if (!merged.next(record, order))
            throw spool_error(out.file, "the chunks merged hold fewer records than they say");
          return record;
        });
  }
  for (const Chunk& c : chunks) {
    std::error_code ec;
    fs::remove(c.file, ec);  // what is left goes with the folder
  }
  return out;
}

}  // namespace vmcsim::app
