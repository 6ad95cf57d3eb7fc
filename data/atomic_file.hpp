#pragma once
// Output files that are either complete or absent: written to a temporary file beside the target, flushed
// and checked, then renamed over it. A full disk or a kill leaves the old file (or none), never half a file.
#include <functional>
#include <ostream>
#include <string>

namespace aegrad::data {

/// Calls `write` with a binary stream to a temporary file in `path`'s folder, then renames it to `path`.
/// Throws std::runtime_error naming `path` when any write, the flush or the rename fails, and removes the
/// temporary file; exceptions from `write` propagate after the same clean-up.
void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);

} // namespace aegrad::data
