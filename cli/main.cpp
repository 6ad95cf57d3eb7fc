// aegrad: train, evaluate and look at autoencoders from the command line.
#include <algorithm>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <aegrad/autograd/blas_runtime.hpp>
#include "commands.hpp"
#include "suggest.hpp"

namespace {
// For an unexpected --flag: the chosen command's flag nearest to it, as "; did you mean --flag?".
std::string suggestion(CLI::App& app, int argc, char** argv) {
    const auto chosen = app.get_subcommands();
    if (chosen.empty())
        return "";
    std::vector<std::string> flags;
    for (const CLI::Option* o : chosen[0]->get_options())
        for (const auto& name : o->get_lnames())
            flags.push_back("--" + name);
    for (int i = 2; i < argc; ++i) {
        std::string word = argv[i];
        word = word.substr(0, word.find('='));
        if (word.rfind("--", 0) != 0 || std::find(flags.begin(), flags.end(), word) != flags.end())
            continue;
        const std::string near = aegrad::cli::closest(word, flags);
        if (!near.empty())
            return fmt::format("; did you mean {}?", near);
    }
    return "";
}
} // namespace

int main(int argc, char** argv) {
    // Before anything else: OpenBLAS picks its kernels when it loads, so a better core needs a re-run.
    const std::string blas = aegrad::ensure_fast_blas_core(argc, argv);
    CLI::App app{"aegrad: autoencoders in C++ (train, eval, reconstruct, summary, gradflow, semisup, sample, interpolate, encode, score, embed, export).\n" + blas, "aegrad"};
    app.require_subcommand(1);
    aegrad::cli::add_train_command(app);
    aegrad::cli::add_eval_command(app);
    aegrad::cli::add_reconstruct_command(app);
    aegrad::cli::add_summary_command(app);
    aegrad::cli::add_gradflow_command(app);
    aegrad::cli::add_semisup_command(app);
    aegrad::cli::add_sample_command(app);
    aegrad::cli::add_interpolate_command(app);
    aegrad::cli::add_encode_command(app);
    aegrad::cli::add_score_command(app);
    aegrad::cli::add_embed_command(app);
    aegrad::cli::add_export_command(app);
    const std::string exit_status = "Exit status: 0 done; 1 the work failed (unreadable data, a failed write, a "
                                    "non-finite result); 2 bad usage (a flag, a value or a combination).";
    app.footer(exit_status);
    std::vector<std::string> commands;
    for (CLI::App* sub : app.get_subcommands({})) {
        sub->footer(sub->get_footer().empty() ? exit_status : sub->get_footer() + "\n" + exit_status);
        commands.push_back(sub->get_name());
    }
    if (argc == 1) {
        std::cerr << fmt::format("aegrad: a command is required: {} (see aegrad --help)\n", fmt::join(commands, ", "));
        return 2;
    }
    if (argv[1][0] != '-' && std::find(commands.begin(), commands.end(), argv[1]) == commands.end()) {
        const std::string near = aegrad::cli::closest(argv[1], commands);
        std::cerr << fmt::format("aegrad: '{}' is not a command{} (see aegrad --help)\n", argv[1],
                                 near.empty() ? "" : fmt::format("; did you mean '{}'?", near));
        return 2;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ExtrasError& e) {
        std::cerr << fmt::format("aegrad: {}{} (see aegrad --help)\n", e.what(), suggestion(app, argc, argv));
        return 2;
    } catch (const CLI::ParseError& e) {
        std::cerr << fmt::format("aegrad: {} (see aegrad --help)\n", e.what());
        return 2;
    } catch (const aegrad::cli::UsageError& e) {
        std::cerr << fmt::format("aegrad: {} (see aegrad --help)\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::cerr << fmt::format("aegrad: error: {}\n", e.what());
        return 1;
    }
    return 0;
}
