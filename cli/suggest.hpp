#pragma once
// "Did you mean": the closest of the known words to a misspelt one, for subcommands and flags.
#include <string>
#include <vector>

namespace aegrad::cli {

/// The candidate nearest to `word` by edit distance (insertions, deletions, substitutions), when it is
/// within a third of the word's length (at least 2); empty otherwise.
std::string closest(const std::string& word, const std::vector<std::string>& candidates);

} // namespace aegrad::cli
