// autograd/buffer_pool: every aegrad::Array's memory comes from the pool, freed buffers are handed back by
// size, and a training loop with fixed shapes takes no tensor buffer from the system after its first epoch.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <xtensor/xview.hpp>

#include "helpers.hpp"
#include <aegrad/autograd/detail/sanitizer.hpp>
#if AEGRAD_ASAN
#include <sanitizer/asan_interface.h>
#endif
#include <aegrad/models/conv_autoencoder.hpp>
#include <aegrad/models/stacked_autoencoder.hpp>
#include <aegrad/nn/nn.hpp>
#include <aegrad/nn/trainer.hpp>

using namespace aegrad;

namespace {

std::size_t system_allocations() { return buffer_pool_stats().system_allocations; }

// Records the pool's system allocations after every training step.
struct AllocationsPerStep : nn::Callback {
    std::vector<std::size_t> after_step;
    void on_step_end(nn::Module&, std::size_t, double) override { after_step.push_back(system_allocations()); }
};

// [n, 784] floats in [0, 1), like pixels.
Array<float> uniform_images(std::size_t n, unsigned seed) {
    return xt::cast<float>(testing::random_tensor({n, 784}, seed, false, 0.0, 1.0).value());
}

} // namespace

TEST_CASE("xtensor arrays allocate from the pool, 64-byte aligned, and a freed buffer is handed back") {
    static_assert(std::is_same_v<Array<float>::allocator_type, memory::PoolAllocator<float>>,
                  "aegrad::Array allocates from the pool");
    static_assert(!std::is_same_v<xt::xarray<float>::allocator_type, memory::PoolAllocator<float>>,
                  "a program's own xt::xarray keeps xtensor's allocator");
    const float* first = nullptr;
    {
        Array<float> a = Array<float>::from_shape({123, 457});
        first = a.data();
        CHECK(reinterpret_cast<std::uintptr_t>(first) % 64 == 0);
    }
    const auto before = buffer_pool_stats();
    Array<float> b = Array<float>::from_shape({457, 123});  // same size, another shape
    CHECK(b.data() == first);
    CHECK(buffer_pool_stats().system_allocations == before.system_allocations);
    CHECK(buffer_pool_stats().reuses == before.reuses + 1);
}

namespace {
// The VmFlags line of the mapping in /proc/self/smaps that holds `address`, or "" when none does.
std::string mapping_flags(const void* address) {
    std::ifstream smaps("/proc/self/smaps");
    const auto at = reinterpret_cast<std::uintptr_t>(address);
    bool inside = false;
    for (std::string line; std::getline(smaps, line);) {
        std::uintptr_t begin = 0, end = 0;
        if (std::sscanf(line.c_str(), "%lx-%lx ", &begin, &end) == 2 && line.find(':') > line.find(' '))
            inside = begin <= at && at < end;  // a mapping's header line: "begin-end perms ..."
        else if (inside && line.rfind("VmFlags:", 0) == 0)
            return line;
    }
    return "";
}
} // namespace

TEST_CASE("A buffer of 16 MiB or more starts on a 2 MiB boundary and asks the kernel for huge pages") {
    Array<float> dataset = Array<float>::from_shape({6000, 784});  // 18.8 MB, like a slice of the data
    CHECK(reinterpret_cast<std::uintptr_t>(dataset.data()) % (std::uintptr_t(2) << 20) == 0);
    const std::string flags = mapping_flags(dataset.data());
    INFO(flags);
    CHECK(flags.find(" hg") != std::string::npos);  // MADV_HUGEPAGE was given
    Array<float> small = Array<float>::from_shape({256, 784});
    CHECK(mapping_flags(small.data()).find(" hg") == std::string::npos);
}

TEST_CASE("The cache limit bounds what the pool keeps, and release gives everything back") {
    const std::size_t saved = buffer_pool_limit();
    set_buffer_pool_limit(0);
    CHECK(buffer_pool_stats().cached_bytes == 0);
    { Array<double> a = Array<double>::from_shape({1000}); }
    CHECK(buffer_pool_stats().cached_bytes == 0);  // freed straight back to the system
    const auto before = system_allocations();
    { Array<double> a = Array<double>::from_shape({1000}); }
    CHECK(system_allocations() == before + 1);

    set_buffer_pool_limit(saved);
    { Array<double> a = Array<double>::from_shape({1000}); }
    CHECK(buffer_pool_stats().cached_bytes >= 8000);
    buffer_pool_release();
    CHECK(buffer_pool_stats().cached_bytes == 0);
}

TEST_CASE("Two threads allocating and freeing at once keep the pool consistent") {
    buffer_pool_release();
    auto churn = [](std::size_t salt) {
        for (std::size_t i = 0; i < 20000; ++i) {
            Array<float> a = Array<float>::from_shape({16 + (i + salt) % 64});
            a.fill(float(i));
            if (a(0) != float(i))
                throw std::runtime_error("a buffer was shared between two live arrays");
        }
    };
    std::thread other(churn, 7);
    churn(0);
    other.join();
    // Every buffer is free again: the cache holds at most the 64 sizes used, a few of each.
    const auto stats = buffer_pool_stats();
    CHECK(stats.cached_bytes > 0);
    CHECK(stats.cached_bytes <= 2 * 64 * 4096);
}

TEST_CASE("A training loop with fixed shapes takes no tensor buffer from the system after its first epoch") {
    const auto x = uniform_images(256, 5);
    for (int threads : {1, 2}) {
        testing::ThreadsFor use(threads);
        buffer_pool_release();  // start cold, so the first epoch must take its buffers
        CAPTURE(threads);
        {
            models::StackedAutoencoder model(models::StackedAutoencoderOptions(784, {100, 30}));
            nn::Adam opt(model.parameters());
            AllocationsPerStep probe;
            auto history = nn::fit(model, opt, x, nn::reconstruction_mse(),
                                   nn::FitOptions().epochs(3).batch_size(64).progress(false), {&probe});
            REQUIRE(probe.after_step.size() == 12);
            INFO("dense: system allocations after each step: " << fmt::format("{}", fmt::join(probe.after_step, " ")));
            CHECK(probe.after_step[11] == probe.after_step[3]);  // epochs 2 and 3: nothing new
            CHECK(history.epochs[0].new_buffers > 0);
            CHECK(history.epochs[1].new_buffers == 0);
            CHECK(history.epochs[2].new_buffers == 0);
        }
        {
            Generator gen(3);
            models::ConvAutoencoder model(models::ConvAutoencoderOptions(), gen);
            nn::Adam opt(model.parameters());
            AllocationsPerStep probe;
            auto history = nn::fit(model, opt, Array<float>(xt::view(x, xt::range(0, 32))), nn::reconstruction_mse(),
                                   nn::FitOptions().epochs(3).batch_size(16).progress(false), {&probe});
            REQUIRE(probe.after_step.size() == 6);
            INFO("conv: system allocations after each step: " << fmt::format("{}", fmt::join(probe.after_step, " ")));
            CHECK(probe.after_step[5] == probe.after_step[1]);
            CHECK(history.epochs[2].new_buffers == 0);
        }
    }
}

TEST_CASE("The counter sees new buffers: a loop whose batch grows every step keeps taking them") {
    // The control for the test above: the same loop with a new shape each step must show allocations.
    models::StackedAutoencoder model(models::StackedAutoencoderOptions(784, {16}));
    nn::Adam opt(model.parameters());
    const auto x = uniform_images(64, 6);
    std::vector<std::size_t> after;
    for (std::size_t batch = 8; batch <= 64; batch += 8) {
        opt.zero_grad();
        Tensor<float> input(Array<float>(xt::view(x, xt::range(0, batch))));
        mse_loss(model(input), input).backward();
        opt.step();
        after.push_back(system_allocations());
    }
    for (std::size_t i = 1; i < after.size(); ++i)
        CHECK(after[i] > after[i - 1]);
}

#if AEGRAD_ASAN
TEST_CASE("Under AddressSanitizer a buffer the pool caches is poisoned, so a use after free is still reported") {
    set_buffer_pool_limit(std::size_t(1) << 30);
    void* p = memory::pool_allocate(4096);
    CHECK_FALSE(__asan_address_is_poisoned(p));
    memory::pool_deallocate(p, 4096);  // cached, not given back to the system
    CHECK(__asan_address_is_poisoned(p));
    void* again = memory::pool_allocate(4096);
    CHECK(again == p);
    CHECK_FALSE(__asan_address_is_poisoned(again));
    memory::pool_deallocate(again, 4096);
}
#endif
