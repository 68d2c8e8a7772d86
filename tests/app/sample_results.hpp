#pragma once
// A small, hand-built RunResults (three variants, two replications, a burst, a sweep) that the
// writer tests, the headless-browser check and the notebook check all read.

#include "app/results/run_results.hpp"

namespace vmcsim::test {

app::RunResults sample_results();

}  // namespace vmcsim::test
