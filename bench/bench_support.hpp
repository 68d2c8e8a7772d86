#pragma once
// What the plain-executable benchmarks share: what they measure about themselves (CPU time, on a
// shared machine the number to compare rather than wall time, and peak resident memory), their
// "--name value" argument parsing, and the forked child that gives each measured size a peak RSS
// of its own.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

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

// "100,1000,10000" -> {100, 1000, 10000} (std::invalid_argument from std::stoi on a bad item).
inline std::vector<int> int_list(const std::string& text) {
  std::vector<int> out;
  for (std::size_t start = 0, end = 0; start <= text.size(); start = end + 1) {
    end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(std::stoi(text.substr(start, end - start)));
  }
  return out;
}

// What to do with the value of each "--name value" argument.
using Options = std::map<std::string, std::function<void(const std::string&)>>;

// Hands each "--name value" pair of argv to its option; std::invalid_argument for a name that is
// not an option or a name without a value.
inline void parse_options(int argc, char** argv, const Options& options) {
  for (int i = 1; i < argc; ++i) {
    const std::string name = argv[i];
    const auto it = options.find(name);
    if (it == options.end()) throw std::invalid_argument("unknown argument " + name);
    if (i + 1 >= argc) throw std::invalid_argument(name + " needs a value");
    it->second(argv[++i]);
  }
}

// Runs `measure` (returning a trivially copyable Row) in a forked child and returns its Row, read
// through a pipe: the child's peak RSS (peak_rss_mib inside `measure`) is that of this one
// measurement, not of everything the parent did before. An exception in the child is printed as
// "<program>: <what>: <message>"; any failure of the child throws std::runtime_error
// "<what>: the child process failed" in the parent.
template <class Row>
Row run_in_child(const std::string& program, const std::string& what,
                 const std::function<Row()>& measure) {
  static_assert(std::is_trivially_copyable_v<Row>, "the row crosses a pipe as bytes");
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    close(fds[0]);
    try {
      const Row r = measure();
      if (write(fds[1], &r, sizeof r) != static_cast<ssize_t>(sizeof r)) _exit(3);
    } catch (const std::exception& e) {
      std::cerr << program << ": " << what << ": " << e.what() << '\n';
      _exit(2);
    }
    _exit(0);
  }
  close(fds[1]);
  Row r{};
  const auto n = read(fds[0], &r, sizeof r);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (n != static_cast<ssize_t>(sizeof r) || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error(what + ": the child process failed");
  return r;
}

}  // namespace vmcsim::bench
