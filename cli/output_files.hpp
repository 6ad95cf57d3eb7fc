#pragma once
// The output files a command is asked for: their kind by extension, their folder made when missing (as
// `aegrad train` makes OUT), and the files written beside them.
#include <string>

namespace aegrad::cli {

/// FILE's extension with its dot: ".npy".
std::string extension_of(const std::string& path);
/// Creates FILE's folder (and its parents) when it is missing.
void make_parent_folder(const std::string& path);
/// Creates the output folder DIR when missing and checks that files can be written in it, before any work:
/// a read-only or unwritable --out is an error (std::runtime_error naming it) at the start, not after an epoch.
void make_output_folder(const std::string& dir);
/// FILE with its extension replaced by `suffix`: beside("out/s.csv", ".json") = "out/s.json".
std::string beside(const std::string& path, const std::string& suffix);

} // namespace aegrad::cli
