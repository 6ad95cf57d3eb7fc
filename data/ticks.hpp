#pragma once
// Axis ticks a reader takes in at a glance: round values (1, 2 or 5 times a power of ten) labelled as people
// write them (12,000 not 1.2e+04; 0.25 not 0.2500), and on a log axis the powers of ten in real units.
#include <string>
#include <vector>

namespace aegrad::data {

struct Tick {
    double value;
    std::string label;
};

/// About `target` ticks inside [lo, hi], evenly spaced by the round step that comes closest; all of them
/// lie within the range. A degenerate or non-finite range gives no ticks.
std::vector<Tick> linear_ticks(double lo, double hi, std::size_t target = 6);

/// Ticks for a log axis over [lo, hi] (both > 0): the powers of ten inside it, with 2 and 5 times them
/// when the range spans fewer than three decades, or linear ticks when it spans less than one.
std::vector<Tick> log_ticks(double lo, double hi);

/// `value` as a tick label, with as many decimals as `step` needs and thousands separators:
/// tick_label(12000, 2000) = "12,000", tick_label(0.25, 0.05) = "0.25", tick_label(3e-7, 1e-7) = "3e-07".
std::string tick_label(double value, double step);

} // namespace aegrad::data
