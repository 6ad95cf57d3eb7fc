// aegrad: train, evaluate and look at autoencoders from the command line.
#include <algorithm>
#include <cstdio>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <aegrad/autograd/blas_runtime.hpp>
#include <aegrad/nn/distributed.hpp>
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

namespace dist = aegrad::nn::distributed;

// Prints an error and gives the exit code. Under mpirun, rank 0 speaks for all when every rank failed alike
// (a usage error, a diverged run); a rank that failed alone says so and ends the job, since the others
// wait for it in a collective.
int fail(int code, const std::string& message) {
    if (!dist::all_failed()) {
        std::cerr << fmt::format("aegrad: rank {} of {}: {}\n", dist::rank(), dist::size(), message);
        dist::abort_all(code);
    }
    if (dist::is_root())
        std::cerr << "aegrad: " << message << "\n";
    return code;
}

// Every rank of a data-parallel run must run the same command; the first that does not is named.
std::string launch_mismatch(int argc, char** argv) {
    std::string command = "aegrad";
    for (int i = 1; i < argc; ++i)
        command += std::string(" ") + argv[i];
    const std::vector<std::string> commands = dist::gather(command);
    std::string mismatch;
    for (std::size_t r = 1; r < commands.size() && mismatch.empty(); ++r)
        if (commands[r] != commands[0])
            mismatch = fmt::format("every rank must run the same command, but rank 0 runs `{}` and rank {} runs `{}`",
                                   commands[0], r, commands[r]);
    dist::broadcast(mismatch);
    return mismatch;
}
} // namespace

int main(int argc, char** argv) {
    // Before anything else: OpenBLAS picks its kernels when it loads, so a better core needs a re-run.
    const std::string blas = aegrad::ensure_fast_blas_core(argc, argv);
    // Under mpirun: MPI's world, and rank 0 alone prints what went right.
    dist::Session world(argc, argv);
    if (!dist::is_root() && !std::freopen("/dev/null", "w", stdout))
        return fail(1, "cannot silence the output of a rank other than 0");
    if (const std::string mismatch = dist::size() > 1 ? launch_mismatch(argc, argv) : ""; !mismatch.empty())
        return fail(2, mismatch);
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
    if (argc == 1)
        return fail(2, fmt::format("a command is required: {} (see aegrad --help)", fmt::join(commands, ", ")));
    if (argv[1][0] != '-' && std::find(commands.begin(), commands.end(), argv[1]) == commands.end()) {
        const std::string near = aegrad::cli::closest(argv[1], commands);
        return fail(2, fmt::format("'{}' is not a command{} (see aegrad --help)", argv[1],
                                   near.empty() ? "" : fmt::format("; did you mean '{}'?", near)));
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ExtrasError& e) {
        return fail(2, fmt::format("{}{} (see aegrad --help)", e.what(), suggestion(app, argc, argv)));
    } catch (const CLI::ParseError& e) {
        return fail(2, fmt::format("{} (see aegrad --help)", e.what()));
    } catch (const aegrad::cli::UsageError& e) {
        return fail(2, fmt::format("{} (see aegrad --help)", e.what()));
    } catch (const std::exception& e) {
        return fail(1, fmt::format("error: {}", e.what()));
    }
    return 0;
}
