#pragma once
// What the plain-executable benchmarks measure about themselves: CPU time (on a shared machine
// the number to compare, not wall time) and peak resident memory.
#include <sys/resource.h>

namespace vmcsim::bench {

// User + system CPU seconds of the process so far (all threads).
inline double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const auto s = [](timeval t) { return static_cast<double>(t.tv_sec) + 1e-6 * t.tv_usec; };
  return s(u.ru_utime) + s(u.ru_stime);
}

// Peak resident set size of the process so far, MiB.
inline double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

}  // namespace vmcsim::bench
