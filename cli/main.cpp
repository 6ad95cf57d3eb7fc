// aegrad: train, evaluate and look at autoencoders from the command line.
#include <iostream>

#include <fmt/format.h>

#include <aegrad/autograd/blas_runtime.hpp>
#include "commands.hpp"

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
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
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
