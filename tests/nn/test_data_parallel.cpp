// The distributed layer's collectives and gradient averaging on values whose result is known, run by the
// suite with 2 ranks under mpirun (and alone, where the world is one process). Its own main starts the
// world before doctest runs.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>

#include <aegrad/autograd/autograd.hpp>
#include <aegrad/nn/data_parallel.hpp>
#include <aegrad/nn/dense.hpp>
#include <aegrad/nn/distributed.hpp>
#include <aegrad/nn/trainer.hpp>

using namespace aegrad;
namespace dist = aegrad::nn::distributed;

namespace {
double ranks() { return dist::size(); }
double sum_of_ranks_plus_one() { return ranks() * (ranks() + 1) / 2; }
} // namespace

TEST_CASE("allreduce sums and maxima, and a sum in flight") {
    const double r = dist::rank();
    std::vector<double> v{1 * (r + 1), 2 * (r + 1), -3 * (r + 1)};
    dist::allreduce_sum(v.data(), v.size());
    CHECK(v == std::vector<double>{sum_of_ranks_plus_one(), 2 * sum_of_ranks_plus_one(), -3 * sum_of_ranks_plus_one()});
    std::vector<double> m{r, -r};
    dist::allreduce_max(m.data(), m.size());
    CHECK(m == std::vector<double>{ranks() - 1, 0});
    std::vector<float> f(1000, static_cast<float>(r + 1));
    dist::PendingSum pending = dist::start_allreduce_sum(f.data(), f.size());
    while (!pending.test()) {
    }
    pending.wait();
    CHECK(f == std::vector<float>(1000, static_cast<float>(sum_of_ranks_plus_one())));
}

TEST_CASE("broadcast and gather of text") {
    std::string text = fmt::format("rank {}", dist::rank());
    dist::broadcast(text, dist::size() - 1);
    CHECK(text == fmt::format("rank {}", dist::size() - 1));
    const auto all = dist::gather(fmt::format("from {}", dist::rank()));
    if (dist::is_root()) {
        REQUIRE(all.size() == static_cast<std::size_t>(dist::size()));
        for (int k = 0; k < dist::size(); ++k)
            CHECK(all[static_cast<std::size_t>(k)] == fmt::format("from {}", k));
    } else {
        CHECK(all.empty());
    }
}

TEST_CASE("broadcast_state gives every rank rank 0's parameters") {
    Generator gen(100 + static_cast<std::uint64_t>(dist::rank()));  // a different initialisation on each rank
    nn::Dense layer(nn::DenseOptions(5, 3), gen);
    Generator gen0(100);
    nn::Dense rank0(nn::DenseOptions(5, 3), gen0);
    nn::broadcast_state(layer);
    for (std::size_t k = 0; k < layer.parameters().size(); ++k)
        CHECK(layer.parameters()[k].value() == rank0.parameters()[k].value());
}

TEST_CASE("Averaged gradients: weighted by each rank's share, a tied weight once, a missing one as zeros") {
    // loss = sum(w * c) read twice (as a tied weight is) + sum(b * c): d/dw = 2c, d/db = c, with c = rank + 1.
    Tensor<float> w(Array<float>(xt::ones<float>({64})), true), b(Array<float>(xt::ones<float>({3})), true),
        unused(Array<float>(xt::ones<float>({7})), true);
    const double r = dist::rank();
    const float c = static_cast<float>(r + 1);
    for (std::size_t bucket_bytes : {std::size_t(16), std::size_t(4) << 20}) {
        CAPTURE(bucket_bytes);
        nn::GradientAverager averager({unused, b, w}, bucket_bytes);  // buckets from the last: w, b, unused
        CHECK(averager.bucket_count() == (bucket_bytes == 16 ? 3 : 1));
        for (int step = 0; step < 2; ++step) {  // a second step reuses the buckets
            w.zero_grad(), b.zero_grad(), unused.zero_grad();
            const double share = (r + 1) / sum_of_ranks_plus_one();
            averager.begin(share);
            Tensor<float> cw = w * c;
            (sum(cw) + sum(w * c) + sum(b * c)).backward();
            averager.finish();
            // Sum over ranks of share * gradient = sum (k + 1)^2 / sum (k + 1) times 2 (w) or 1 (b).
            double squares = 0;
            for (int k = 0; k < dist::size(); ++k)
                squares += (k + 1.0) * (k + 1.0);
            const float expected = static_cast<float>(squares / sum_of_ranks_plus_one());
            CHECK(xt::allclose(w.grad(), 2 * expected));
            CHECK(xt::allclose(b.grad(), expected));
            CHECK(xt::all(xt::equal(unused.grad(), 0.0f)));
            CHECK(averager.last_step().bytes == (64 + 3 + 7) * sizeof(float));
            // Small buckets: w's and b's are complete inside backward and start there; the unused parameter's
            // waits for finish(). One bucket holds the unused one too, so it waits.
            CHECK(averager.last_step().buckets_sent_in_backward == (bucket_bytes == 16 ? 2 : 0));
        }
    }
}

TEST_CASE("evaluate: each rank's part of the rows, summed over ranks, is the mean over all of them") {
    Generator gen(5);
    nn::Dense layer(nn::DenseOptions(3, 3), gen);
    for (std::size_t rows : {std::size_t(7), std::size_t(1)}) {  // uneven parts; fewer rows than ranks
        CAPTURE(rows);
        Array<float> x = xt::linspace<float>(-1, 2, rows * 3);
        x.reshape({rows, std::size_t(3)});
        const Tensor<float> all(x);
        const double expected = mse_loss(layer(all), all).item();  // one batch of every row, on this rank alone
        CHECK(nn::evaluate(layer, data::Rows(x), nn::reconstruction_mse(), 2) == doctest::Approx(expected).epsilon(1e-6));
        if (rows >= static_cast<std::size_t>(dist::size()))
            CHECK(nn::rank_part(data::Rows(x))->count() == rows * (dist::rank() + 1) / dist::size() - rows * dist::rank() / dist::size());
    }
}

TEST_CASE("fit with small gradient buckets trains the same parameters as with one bucket") {
    Array<float> x = xt::linspace<float>(-1, 1, 16 * 4);
    x.reshape({std::size_t(16), std::size_t(4)});
    std::vector<Array<float>> trained;
    for (std::size_t bucket_bytes : {std::size_t(4) << 20, std::size_t(16)}) {  // 1 bucket; 1 per parameter
        Generator gen(11);
        nn::Dense layer(nn::DenseOptions(4, 4), gen);
        nn::Adam adam(layer.parameters(), nn::AdamOptions());
        nn::fit(layer, adam, data::Rows(x), nn::reconstruction_mse(),
                nn::FitOptions().epochs(2).batch_size(8).progress(false).gradient_bucket_bytes(bucket_bytes));
        trained.push_back(layer.parameters()[0].value());
    }
    CHECK(trained[0] == trained[1]);  // each element is the same sum over ranks, whichever bucket carries it
}

TEST_CASE("A checkpoint some ranks see and others do not stops every rank, naming it") {
    // Each rank names its own file, and rank 0 alone writes: as ranks on machines without a shared
    // filesystem would see it, rank 0 finds a checkpoint to resume from and the others none.
    std::string dir = std::filesystem::temp_directory_path() / fmt::format("aegrad-dp-{}", ::getpid());
    dist::broadcast(dir);
    const std::string path = fmt::format("{}/rank{}.ckpt", dir, dist::rank());
    if (dist::is_root())
        std::filesystem::create_directories(dir);
    Generator gen(3);
    nn::Dense layer(nn::DenseOptions(4, 4), gen);
    Array<float> x = xt::ones<float>({8, 4});
    const auto run = [&](bool resume) {
        nn::Adam adam(layer.parameters(), nn::AdamOptions());
        return nn::fit(layer, adam, data::Rows(x), nn::reconstruction_mse(),
                       nn::FitOptions().epochs(resume ? 2 : 1).batch_size(4).progress(false)
                           .checkpoint(nn::CheckpointOptions().path(path).resume(resume)));
    };
    run(false);
    if (dist::size() == 1) {
        CHECK(run(true).epochs.size() == 2);  // one process resumes from its own file
    } else {
        const std::string expected = fmt::format("{}/rank{}.ckpt is on some ranks' filesystems", dir, dist::rank());
        CHECK_THROWS_WITH_AS(run(true), doctest::Contains(expected.c_str()), std::runtime_error);
    }
    double done = 0;
    dist::allreduce_sum(&done, 1);
    if (dist::is_root())
        std::filesystem::remove_all(dir);
}

int main(int argc, char** argv) {
    dist::Session session(argc, argv);
    doctest::Context context(argc, argv);
    const int failed = context.run();
    // Every rank's verdict: a failure on one fails the test on all.
    double worst = failed;
    dist::allreduce_max(&worst, 1);
    return worst > 0 ? 1 : 0;
}
