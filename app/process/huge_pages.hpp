#pragma once
// Heap memory on transparent huge pages (2 MiB), for the whole process.
//
// Why: a large model's state is spread over thousands of 4 KiB pages (about 140 MiB at 10,000
// hosts), and consecutive events touch different services' state, so many of those touches
// also miss the TLB and walk the page tables. 2 MiB pages remove most of the walks: the full
// model at 10,000 hosts runs faster by the share bench/README.md measures (eighth round).
// Linux backs anonymous memory with huge pages where a program asks for them
// (transparent_hugepage = madvise, Debian's default), and glibc's malloc asks only when its
// tunable glibc.malloc.hugetlb=1 is set, which it reads once, at start-up (glibc 2.35's NEWS:
// it "can improve performance when Transparent Huge Pages is set to 'madvise' mode"; Debian
// 12 has 2.36). So use_huge_pages sets the tunable and executes the program again, once,
// before anything else has happened. Results do not change: only where the pages come from.
//
// It does nothing, and the run goes on with the pages it has, when VMCSIM_HUGE_PAGES=0; when
// the tunable is already set (by the user, or by the first run); when the kernel's mode is not
// "madvise" ("always" gives the heap huge pages without asking, "never" refuses them); when
// malloc is not glibc's (a sanitizer build) or the process runs under Valgrind, which would
// lose the new image; or when the exec fails.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace vmcsim::app {

// Call first thing in main(), with main's argv. Returns only if it did not exec.
void use_huge_pages(char** argv);

// Whether malloc is glibc's, which reads the tunable: sanitizers bring their own. GCC says so
// with __SANITIZE_*__, clang (the fuzz build) with __has_feature.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define VMCSIM_SANITIZER_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define VMCSIM_SANITIZER_MALLOC 1
#endif
#endif
#ifdef VMCSIM_SANITIZER_MALLOC
inline constexpr bool kGlibcMalloc = false;
#else
inline constexpr bool kGlibcMalloc = true;
#endif

// The first line of /sys/kernel/mm/transparent_hugepage/enabled, or "" if it cannot be read.
std::string kernel_huge_page_mode();

// The decision, apart from the process: what GLIBC_TUNABLES must become (the user's own
// tunables kept), or nothing if the process is to stay as it is. `env` reads a variable
// (nullptr: unset); `kernel_mode` is the first line of
// /sys/kernel/mm/transparent_hugepage/enabled ("always [madvise] never"; empty: unreadable).
std::optional<std::string> huge_page_tunables(const std::function<const char*(const char*)>& env,
                                              std::string_view kernel_mode);

}  // namespace vmcsim::app
