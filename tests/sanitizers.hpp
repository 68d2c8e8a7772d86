#pragma once
// Whether this test binary is scripts/test's sanitizer build (AddressSanitizer and
// UndefinedBehaviorSanitizer, -O1), where code runs several times as slow. A test that repeats a
// randomized script to widen its coverage may run fewer repetitions there: the Release build
// runs them all, and the sanitizers look for memory and undefined-behaviour errors, which the
// fewer repetitions still reach on every path the test names (each test still checks that it
// did).
namespace vmcsim::test {
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kUnderSanitizers = true;
#else
inline constexpr bool kUnderSanitizers = false;
#endif
}  // namespace vmcsim::test
