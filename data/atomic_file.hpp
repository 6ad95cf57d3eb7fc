#pragma once
// Output files that are either complete or absent: written to a temporary file beside the target, flushed
// and checked, synced to disk, then renamed over it, and the rename synced too. A full disk, a kill or a
// power cut leaves the old file (or none), never half a file.
#include <functional>
#include <ostream>
#include <string>

namespace aegrad::data {

/// Calls `write` with a binary stream to a temporary file in `path`'s folder, then renames it to `path`.
/// Throws std::runtime_error naming `path` when any write, the flush, the sync or the rename fails, and
/// removes the temporary file; exceptions from `write` propagate after the same clean-up.
void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);

/// Removes the temporary files write_file_atomically leaves when its process is killed mid-write
/// ("NAME.tmp.PID" whose process no longer runs) from `folder`; returns how many it removed.
std::size_t remove_stale_temporaries(const std::string& folder);

} // namespace aegrad::data
