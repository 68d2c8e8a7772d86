#pragma once
// Whether this test binary is scripts/test's sanitizer build (AddressSanitizer and
// UndefinedBehaviorSanitizer, -O1), where code runs several times as slow. A test that repeats a
// randomized script to widen its coverage may run fewer repetitions there: the Release build
// runs them all, and the sanitizers look for memory and undefined-behaviour errors, which the
// fewer repetitions still reach on every path the test names (each test still checks that it
// did).
// GCC says so with __SANITIZE_ADDRESS__, clang with __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define VMCSIM_TEST_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VMCSIM_TEST_UNDER_ASAN 1
#endif
#endif

namespace vmcsim::test {
#if defined(VMCSIM_TEST_UNDER_ASAN)
inline constexpr bool kUnderSanitizers = true;
#else
inline constexpr bool kUnderSanitizers = false;
#endif
}  // namespace vmcsim::test
