// vmcsim puts its heap on transparent huge pages by setting glibc's tunable and executing itself
// again (app/process/huge_pages.hpp): when it does so, with which tunables, and that the image
// which then runs has them and the very arguments it was given.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "app/process/huge_pages.hpp"
#include "cli_run.hpp"
#include "compiled_paths.hpp"

namespace {

using vmcsim::app::huge_page_tunables;

constexpr const char* kMadvise = "always [madvise] never";

std::optional<std::string> decide(const std::map<std::string, std::string>& vars,
                                  std::string_view mode = kMadvise) {
  return huge_page_tunables(
      [&](const char* name) {
        const auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
      },
      mode);
}

// The environment block of a running process, as its current image received it: one variable
// per line, with a line break before the first too.
std::string environ_of(pid_t pid) {
  std::string text = "\n" + vmcsim::test::read_text("/proc/" + std::to_string(pid) + "/environ");
  for (char& c : text)
    if (c == '\0') c = '\n';
  return text;
}

}  // namespace

TEST_CASE(
    "huge_page_tunables asks for huge pages unless the user, the kernel or the build says no") {
  if (!vmcsim::app::kGlibcMalloc) {
    CHECK_FALSE(decide({}));  // a sanitizer's malloc reads no glibc tunable
    return;
  }
  SECTION("a plain environment gets the tunable alone") {
    CHECK(decide({}) == std::optional<std::string>{"glibc.malloc.hugetlb=1"});
  }
  SECTION("the user's own tunables are kept, in front") {
    CHECK(decide({{"GLIBC_TUNABLES", "glibc.malloc.arena_max=2"}}) ==
          std::optional<std::string>{"glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1"});
  }
  SECTION("a hugetlb the user set is theirs, and the second image finds it set: no exec") {
    CHECK_FALSE(decide({{"GLIBC_TUNABLES", "glibc.malloc.hugetlb=0"}}));
    CHECK_FALSE(decide({{"GLIBC_TUNABLES", "glibc.malloc.hugetlb=1"}}));
  }
  SECTION("VMCSIM_HUGE_PAGES=0 opts out; any other value does not") {
    CHECK_FALSE(decide({{"VMCSIM_HUGE_PAGES", "0"}}));
    CHECK(decide({{"VMCSIM_HUGE_PAGES", "1"}}));
  }
  SECTION("only a kernel that waits to be asked is asked") {
    CHECK_FALSE(decide({}, "[always] madvise never"));  // huge pages already, tunable ignored
    CHECK_FALSE(decide({}, "always madvise [never]"));
    CHECK_FALSE(decide({}, ""));  // no transparent huge pages in this kernel
  }
  SECTION("under Valgrind the exec would leave the tool behind") {
    CHECK_FALSE(decide({{"LD_PRELOAD", "/usr/libexec/valgrind/vgpreload_core-amd64-linux.so"}}));
  }
}

TEST_CASE("vmcsim runs on with the tunable set and its own arguments after the exec") {
  vmcsim::test::ScratchDir dir{"huge-pages"};
  // A FIFO for the scenario: vmcsim blocks opening it, which it does only after the exec (if
  // any), so its environment can be read then, without a race.
  const std::string fifo = (dir.path() / "scenario with spaces.yaml").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const std::string err_file = (dir.path() / "stderr.txt").string();
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::unsetenv("GLIBC_TUNABLES");
    ::unsetenv("VMCSIM_HUGE_PAGES");
    const int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (err < 0 || ::dup2(err, STDERR_FILENO) < 0) ::_exit(120);
    ::execl(VMCSIM_CLI, "vmcsim", "validate", fifo.c_str(), static_cast<char*>(nullptr));
    ::_exit(121);
  }
  const int writer = ::open(fifo.c_str(), O_WRONLY);  // returns once vmcsim opened it
  REQUIRE(writer >= 0);
  const std::string env = environ_of(pid);
  const char bad_yaml[] = "name: [unclosed\n";
  REQUIRE(::write(writer, bad_yaml, sizeof bad_yaml - 1) ==
          static_cast<ssize_t>(sizeof bad_yaml - 1));
  ::close(writer);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);

  const auto expected = huge_page_tunables(
      [](const char* name) -> const char* {
        const std::string_view n{name};
        return n == "GLIBC_TUNABLES" || n == "VMCSIM_HUGE_PAGES" ? nullptr : std::getenv(name);
      },
      vmcsim::app::kernel_huge_page_mode());
  INFO("vmcsim's environment:\n" << env);
  if (expected)
    CHECK(env.find("\nGLIBC_TUNABLES=" + *expected + "\n") != std::string::npos);
  else
    CHECK(env.find("GLIBC_TUNABLES=") == std::string::npos);
  // The image that ran had the arguments the first one got: its error names the file, whole.
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 2);
  CHECK(vmcsim::test::read_text(err_file).find(fifo) != std::string::npos);
}
