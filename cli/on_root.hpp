#pragma once
// Work on the output folder done once in a data-parallel run: by rank 0, with its outcome on every rank.
#include <functional>

namespace aegrad::cli {

/// Runs `fn` on rank 0 only; then every rank returns, or throws what rank 0's `fn` threw (a UsageError as
/// a UsageError, anything else as std::runtime_error with its message). Collective. In a single process,
/// just fn().
void on_root(const std::function<void()>& fn);

} // namespace aegrad::cli
