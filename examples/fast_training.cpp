// Training fast on a CPU: the BLAS kernels, the threads, and a training loop that takes no memory from the
// system once it is warm. Trains the seed model on 1 and then 2 threads and prints what each epoch cost.
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

#include <aegrad/aegrad.hpp>

using namespace aegrad;

int main(int argc, char** argv) {
    // Re-executes the program once with OPENBLAS_CORETYPE set when OpenBLAS picked kernels older than the CPU.
    std::cout << ensure_fast_blas_core(argc, argv) << "\n";
    const bool quick = std::getenv("AEGRAD_EXAMPLE_BUDGET") != nullptr;  // the test suite's short run
    const auto train = data::load_mnist(data::kFashionMnistDir, data::Split::train, quick ? 4096 : 0);

    for (int threads : {1, 2}) {
        set_num_threads(threads);  // aegrad splits the work; OpenBLAS stays on one thread per call
        nn::manual_seed(42);
        models::StackedAutoencoder model(models::StackedAutoencoderOptions(784, {100, 30}));
        nn::Adam optimizer(model.parameters());
        const nn::History history = nn::fit(model, optimizer, train.pixels, nn::reconstruction_mse(),
                                            nn::FitOptions().epochs(3).batch_size(256).progress(false));
        for (const auto& e : history.epochs)
            fmt::print("threads {} epoch {}: new tensor buffers {} | {:.3f} s | {:.0f} samples/s | {:.0f} MB resident\n",
                       threads, e.epoch, e.new_buffers, e.seconds, e.samples_per_s, e.rss_mb);
    }

    const BufferPoolStats pool = buffer_pool_stats();
    fmt::print("buffer pool: {} buffers from the system, {} handed back out, {:.1f} MB cached\n",
               pool.system_allocations, pool.reuses, pool.cached_bytes / 1e6);
}
