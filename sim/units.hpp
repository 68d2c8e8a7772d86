#pragma once
// Strong types for the quantities every layer trades in, so that units cannot be mixed up:
//   Bytes       memory and data sizes ("512MiB", "2GiB", "1.5GB", Kubernetes "100Mi")
//   DataRate    bandwidth in bytes per second ("10Gbps", "100MB/s", "1GiB/s")
//   Millicores  CPU ("0.5", "500m", "2", "2vcpu")
// Each parses the spelling users write and prints one that parses back. Parse errors throw
// sim::ParseError with a message that names the accepted units. Time lives in sim/time.hpp.
//
// Ranges: parse() accepts sizes up to max_input() (1 EiB), CPU up to max_input() (10^9 cores)
// and rates up to max_input() (10^18 B/s, finite); anything beyond is a ParseError, so sums of a
// few user values fit in 64 bits. The integer operators are model contracts, checked by
// VMCSIM_ASSERT in Debug and checked builds (sim/checked.hpp); a total over a count that comes
// from the input (every host of a large cluster) uses T::saturating_add or a wider type instead.
#include <compare>
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "sim/checked.hpp"
#include "sim/time.hpp"

namespace vmcsim::sim {

class Bytes {
 public:
  constexpr Bytes() = default;
  constexpr explicit Bytes(std::int64_t count) : count_{count} {}
  static constexpr Bytes kib(std::int64_t v) { return Bytes{checked_mul(v, 1LL << 10)}; }
  static constexpr Bytes mib(std::int64_t v) { return Bytes{checked_mul(v, 1LL << 20)}; }
  static constexpr Bytes gib(std::int64_t v) { return Bytes{checked_mul(v, 1LL << 30)}; }
  static constexpr Bytes tib(std::int64_t v) { return Bytes{checked_mul(v, 1LL << 40)}; }
  // The largest size parse() accepts: 1 EiB.
  static constexpr Bytes max_input() { return Bytes{1LL << 60}; }
  // Rounds to the nearest byte, saturating at the int64 limits.
  static Bytes from_gib(double gib);
  static Bytes from_mib(double mib);

  // Binary (KiB, MiB, GiB, TiB; Kubernetes Ki, Mi, Gi, Ti), decimal (kB/KB, MB, GB, TB;
  // Kubernetes k, M, G, T) or bare bytes ("B" or no unit).
  static Bytes parse(std::string_view text);

  constexpr std::int64_t count() const { return count_; }
  constexpr double mib_value() const { return static_cast<double>(count_) / (1 << 20); }
  constexpr double gib_value() const { return static_cast<double>(count_) / (1 << 30); }
  // "512MiB", "1.5GiB", "100B": the largest binary unit, up to 3 decimals if exact.
  std::string to_string() const;

  constexpr Bytes& operator+=(Bytes o) {
    count_ = checked_add(count_, o.count_);
    return *this;
  }
  constexpr Bytes& operator-=(Bytes o) {
    count_ = checked_sub(count_, o.count_);
    return *this;
  }
  friend constexpr Bytes operator+(Bytes a, Bytes b) {
    return Bytes{checked_add(a.count_, b.count_)};
  }
  friend constexpr Bytes operator-(Bytes a, Bytes b) {
    return Bytes{checked_sub(a.count_, b.count_)};
  }
  // For totals over a count that comes from the input: sticks at the limit instead of wrapping.
  static constexpr Bytes saturating_add(Bytes a, Bytes b) {
    return Bytes{sim::saturating_add(a.count_, b.count_)};
  }
  template <std::integral I>
  friend constexpr Bytes operator*(Bytes a, I k) {
    return Bytes{checked_mul(a.count_, static_cast<std::int64_t>(k))};
  }
  template <std::integral I>
  friend constexpr Bytes operator*(I k, Bytes a) {
    return a * k;
  }
  // Scaling by a real factor rounds to the nearest byte.
  friend Bytes operator*(Bytes a, double k) { return scaled(a, k); }
  friend constexpr double operator/(Bytes a, Bytes b) {
    return static_cast<double>(a.count_) / static_cast<double>(b.count_);
  }
  friend constexpr auto operator<=>(Bytes, Bytes) = default;

 private:
  static Bytes scaled(Bytes a, double k);
  std::int64_t count_ = 0;
};

class DataRate {
 public:
  constexpr DataRate() = default;
  static constexpr DataRate bytes_per_second(double v) { return DataRate{v}; }
  static constexpr DataRate bits_per_second(double v) { return DataRate{v / 8.0}; }
  static constexpr DataRate gbps(double v) { return DataRate{v * 1e9 / 8.0}; }
  static constexpr DataRate mbps(double v) { return DataRate{v * 1e6 / 8.0}; }
  static constexpr DataRate mib_per_second(double v) { return DataRate{v * (1 << 20)}; }
  // The largest rate parse() accepts: 10^18 bytes per second.
  static constexpr DataRate max_input() { return DataRate{1e18}; }

  // Bits: bps, kbps, Mbps, Gbps, Tbps (also "Gbit/s"). Bytes: B/s, KB/s, MB/s, GB/s,
  // KiB/s, MiB/s, GiB/s.
  static DataRate parse(std::string_view text);

  constexpr double bytes_per_second() const { return bytes_per_second_; }
  constexpr double bits_per_second() const { return bytes_per_second_ * 8.0; }
  // How long `size` takes at this rate (Time::max() at rate zero).
  Time time_to_transfer(Bytes size) const;
  // "10Gbps", "1.5Gbps", "800Mbps".
  std::string to_string() const;

  friend constexpr DataRate operator+(DataRate a, DataRate b) {
    return DataRate{a.bytes_per_second_ + b.bytes_per_second_};
  }
  friend constexpr DataRate operator-(DataRate a, DataRate b) {
    return DataRate{a.bytes_per_second_ - b.bytes_per_second_};
  }
  friend constexpr DataRate operator*(DataRate a, double k) {
    return DataRate{a.bytes_per_second_ * k};
  }
  friend constexpr DataRate operator/(DataRate a, double k) {
    return DataRate{a.bytes_per_second_ / k};
  }
  friend constexpr double operator/(DataRate a, DataRate b) {
    return a.bytes_per_second_ / b.bytes_per_second_;
  }
  friend constexpr auto operator<=>(DataRate, DataRate) = default;

 private:
  constexpr explicit DataRate(double bps) : bytes_per_second_{bps} {}
  double bytes_per_second_ = 0.0;
};

class Millicores {
 public:
  constexpr Millicores() = default;
  constexpr explicit Millicores(std::int64_t m) : value_{m} {}
  static constexpr Millicores cores(std::int64_t c) { return Millicores{checked_mul(c, 1000)}; }
  // The largest CPU quantity parse() accepts: 10^9 cores.
  static constexpr Millicores max_input() { return Millicores{1'000'000'000'000}; }

  // "0.5" or "0.5cpu" or "0.5vcpu" (cores), "500m" (millicores, as Kubernetes writes them).
  static Millicores parse(std::string_view text);

  constexpr std::int64_t value() const { return value_; }
  constexpr double cores_value() const { return static_cast<double>(value_) / 1000.0; }
  // "500m", "2".
  std::string to_string() const;

  constexpr Millicores& operator+=(Millicores o) {
    value_ = checked_add(value_, o.value_);
    return *this;
  }
  constexpr Millicores& operator-=(Millicores o) {
    value_ = checked_sub(value_, o.value_);
    return *this;
  }
  friend constexpr Millicores operator+(Millicores a, Millicores b) {
    return Millicores{checked_add(a.value_, b.value_)};
  }
  friend constexpr Millicores operator-(Millicores a, Millicores b) {
    return Millicores{checked_sub(a.value_, b.value_)};
  }
  // For totals over a count that comes from the input: sticks at the limit instead of wrapping.
  static constexpr Millicores saturating_add(Millicores a, Millicores b) {
    return Millicores{sim::saturating_add(a.value_, b.value_)};
  }
  template <std::integral I>
  friend constexpr Millicores operator*(Millicores a, I k) {
    return Millicores{checked_mul(a.value_, static_cast<std::int64_t>(k))};
  }
  friend constexpr double operator/(Millicores a, Millicores b) {
    return static_cast<double>(a.value_) / static_cast<double>(b.value_);
  }
  friend constexpr auto operator<=>(Millicores, Millicores) = default;

 private:
  std::int64_t value_ = 0;
};

}  // namespace vmcsim::sim

#define VMCSIM_FORMAT_AS_STRING(T)                                         \
  template <>                                                              \
  struct fmt::formatter<T> : fmt::formatter<std::string_view> {            \
    template <class Ctx>                                                   \
    auto format(const T& v, Ctx& ctx) const {                              \
      return fmt::formatter<std::string_view>::format(v.to_string(), ctx); \
    }                                                                      \
  };
VMCSIM_FORMAT_AS_STRING(vmcsim::sim::Bytes)
VMCSIM_FORMAT_AS_STRING(vmcsim::sim::DataRate)
VMCSIM_FORMAT_AS_STRING(vmcsim::sim::Millicores)
