#pragma once
// InputErrors: several independent errors in one input file, thrown as one InputError.
//
// The base InputError is the first error (its location, field and message), so a caller that
// looks at one error sees the first; what() holds every error, one compiler-style line each,
// in the order found:
//   web.yaml:4:10: error: duration: must be greater than zero, got '0s'
//   web.yaml:12:5: error: services[0].memory: invalid size '512Mb': ...
// so printing what() (as the CLI does for any InputError) reports them all.
#include <string>
#include <vector>

#include "app/diagnostic.hpp"

namespace vmcsim::app::scenario {

class InputErrors : public InputError {
 public:
  // `errors` is not empty. `truncated`: more errors were found than kept.
  InputErrors(std::vector<InputError> errors, bool truncated)
      : InputError(errors.front()), errors_(std::move(errors)), truncated_(truncated) {
    for (const InputError& e : errors_)
      text_ += std::string{e.what()} + '\n';
    if (truncated_)
      text_ += fmt_stopped();
    else
      text_.pop_back();
  }

  const std::vector<InputError>& errors() const { return errors_; }
  bool truncated() const { return truncated_; }
  const char* what() const noexcept override { return text_.c_str(); }

 private:
  std::string fmt_stopped() const {
    return errors_.front().file() + ": error: stopped after " + std::to_string(errors_.size()) +
           " errors";
  }

  std::vector<InputError> errors_;
  bool truncated_ = false;
  std::string text_;
};

}  // namespace vmcsim::app::scenario
