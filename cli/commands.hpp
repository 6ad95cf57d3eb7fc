#pragma once
// The `aegrad` subcommands. Each adds itself to the application with its flags and a callback.
#include <CLI/CLI.hpp>

#include <stdexcept>

namespace aegrad::cli {

/// A malformed flag or a combination of flags that cannot work: one line, and exit code 2.
struct UsageError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

void add_train_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_reconstruct_command(CLI::App& app);
void add_summary_command(CLI::App& app);
void add_gradflow_command(CLI::App& app);
void add_semisup_command(CLI::App& app);
void add_sample_command(CLI::App& app);
void add_interpolate_command(CLI::App& app);
void add_encode_command(CLI::App& app);
void add_score_command(CLI::App& app);
void add_export_command(CLI::App& app);
void add_embed_command(CLI::App& app);

} // namespace aegrad::cli
