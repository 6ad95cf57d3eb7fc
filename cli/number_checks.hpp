#pragma once
// Number flags checked as a reader states them: "--epochs: -1 is not a positive number", where CLI11's own
// checks print a 300-digit range and let NaN through (every comparison with NaN is false).
#include <CLI/CLI.hpp>

namespace aegrad::cli {

/// A finite number > 0.
CLI::Validator positive_number();
/// A finite number >= 0.
CLI::Validator non_negative_number();
/// A finite number in [lo, hi].
CLI::Validator number_between(double lo, double hi);

} // namespace aegrad::cli
