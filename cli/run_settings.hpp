#pragma once
// The settings that define a training run, recorded in its checkpoint folder when it starts so that
// `--resume` continues the same run: resuming with other settings would silently mix two runs, so it is
// an error naming each difference. Only --epochs may change, and only upward: more epochs extend the run.
#include <map>
#include <string>

namespace aegrad::cli {

/// Flag (or quantity) -> value as text: {"--lr": "0.001", "--epochs": "20", ...}.
using RunSettings = std::map<std::string, std::string>;

/// Prepares `folder` (OUT/checkpoints) for a run with `settings`. A fresh run (resume false) empties it and
/// records the settings. A resumed one checks them against the recorded ones: nothing recorded, a
/// difference, or fewer --epochs (or more, when `epochs_may_grow` is false) is a UsageError; more --epochs
/// are recorded. Stale temporary files of killed runs are removed from the folder and from `out`.
void start_or_resume(const std::string& out, const std::string& folder, const RunSettings& settings, bool resume,
                     bool epochs_may_grow = true);

} // namespace aegrad::cli
