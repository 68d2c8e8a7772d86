#include "app/results/instance_spool.hpp"

#include <stdlib.h>

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

InstanceSpool::Part InstanceSpool::write(std::size_t key, const std::string& variant,
                                         int replication,
                                         std::span<const mm::InstanceLifecycle> records) const {
  Part part{
      folder() / fmt::format("part-{}.bin.gz", key), variant, replication, records.size(), {}};
  std::set<std::string, std::less<>> seen;
  for (const auto& r : records)
    for (const auto& phase : r.phases)
      if (seen.insert(phase.name).second) part.phases.push_back(phase.name);
  errno = 0;
  std::ofstream file(part.file, std::ios::binary | std::ios::trunc);
  if (!file) throw spool_error(part.file, "cannot create the file: " + errno_text());
  {
    // The fastest level: the part is read once and removed, and the run waits for it.
    io::filtering_ostream z;
    z.push(io::gzip_compressor(io::gzip_params(io::gzip::best_speed)));
    z.push(file);
    runner::ByteWriter w;
    for (const auto& r : records) {
      runner::encode_instance(w, r);
      const std::string bytes = w.take();
      const std::uint64_t n = bytes.size();
      z.write(reinterpret_cast<const char*>(&n), sizeof n);
      z.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    z.reset();  // flushes the compressor and writes the gzip trailer
  }
  file.close();
  if (!file) throw spool_error(part.file, "cannot write the file: " + errno_text());
  return part;
}

std::string InstanceSpool::bytes_of(const Part& part) {
  std::ifstream file(part.file, std::ios::binary);
  if (!file) throw spool_error(part.file, "cannot read the file back: " + errno_text());
  std::ostringstream bytes;
  bytes << file.rdbuf();
  if (!file) throw spool_error(part.file, "cannot read the file back: " + errno_text());
  return std::move(bytes).str();
}

InstanceSpool::Part InstanceSpool::adopt(std::size_t key, Part part, std::string_view bytes) const {
  part.file = folder() / fmt::format("part-{}.bin.gz", key);
  errno = 0;
  std::ofstream file(part.file, std::ios::binary | std::ios::trunc);
  if (!file) throw spool_error(part.file, "cannot create the file: " + errno_text());
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  file.close();
  if (!file) throw spool_error(part.file, "cannot write the file: " + errno_text());
  return part;
}

void InstanceSpool::read(const Part& part, mm::InstanceLifecycle& into,
                         const std::function<void()>& each) {
  std::ifstream file(part.file, std::ios::binary);
  if (!file) throw spool_error(part.file, "cannot read the file back: " + errno_text());
  io::filtering_istream z;
  z.push(io::gzip_decompressor());
  z.push(file);
  std::string bytes;
  for (std::uint64_t k = 0; k < part.rows; ++k) {
    std::uint64_t n = 0;
    z.read(reinterpret_cast<char*>(&n), sizeof n);
    bytes.resize(n);
    if (z) z.read(bytes.data(), static_cast<std::streamsize>(n));
    if (!z) throw spool_error(part.file, fmt::format("the file ends before record {}", k + 1));
    runner::ByteReader r{bytes};
    runner::decode_instance(r, into);
    each();
  }
}

}  // namespace vmcsim::app
