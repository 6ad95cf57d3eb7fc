#pragma once
// The `aegrad` subcommands. Each adds itself to the application with its flags and a callback.
#include <CLI/CLI.hpp>

namespace aegrad::cli {

void add_train_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_reconstruct_command(CLI::App& app);
void add_summary_command(CLI::App& app);
void add_gradflow_command(CLI::App& app);
void add_semisup_command(CLI::App& app);

} // namespace aegrad::cli
