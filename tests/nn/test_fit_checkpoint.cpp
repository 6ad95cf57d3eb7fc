// fit() checkpoints: a fit stopped at any step and resumed from its last checkpoint, in a new process's
// worth of objects (a model initialised differently, a fresh optimizer and generators), ends with the same
// bytes as an uninterrupted fit. The run exercises every piece of state: Adam's moments, a short last
// batch, shuffling, a Dropout generator, noise drawn by the loss, and EarlyStopping's best weights.
#include <cstring>
#include <filesystem>
#include <unistd.h>

#include <fmt/format.h>

#include "helpers.hpp"
#include <aegrad/autograd/losses.hpp>
#include <aegrad/nn/nn.hpp>

using namespace aegrad;
using namespace aegrad::nn;
namespace fs = std::filesystem;

namespace {
struct Interrupt {};  // what the "kill" throws

// Throws after step `at`: the run ends there as a killed process would, after its last checkpoint.
class InterruptAfter : public Callback {
public:
    explicit InterruptAfter(std::size_t at) : at_(at) {}
    void on_step_end(Module&, std::size_t global_step, double) override {
        if (global_step == at_)
            throw Interrupt{};
    }

private:
    std::size_t at_;
};

// Everything one run needs, built fresh, as a new process would.
struct Run {
    std::shared_ptr<Sequential> model = std::make_shared<Sequential>();
    std::unique_ptr<Adam> optimizer;
    Generator noise{5};
    EarlyStopping early{10, 1e9};  // epoch 1 stays the best, so the end restores its weights
    Array<float> data;

    explicit Run(std::uint64_t init_seed) {
        manual_seed(init_seed);
        model->add(std::make_shared<Dense>(DenseOptions(6, 4).activation(Activation::relu)));
        model->add(std::make_shared<Dropout>(0.3, 11));
        model->add(std::make_shared<Dense>(DenseOptions(4, 6)));
        optimizer = std::make_unique<Adam>(model->parameters(), AdamOptions().lr(0.01));
        Generator g(3);
        data = standard_normal<float>({50, 6}, g);
    }

    History fit_to(const std::string& path, int epochs, std::size_t every, std::vector<Callback*> extra = {}) {
        std::vector<Callback*> callbacks{&early};
        callbacks.insert(callbacks.end(), extra.begin(), extra.end());
        const LossFn loss = [this](Module& m, const data::Batch& b) {
            return mse_loss(m(gaussian_noise(b.x, 0.1, noise)), b.x);
        };
        return fit(*model, *optimizer, data::Rows(data), loss,
                   FitOptions().epochs(epochs).batch_size(7).seed(1).progress(false).checkpoint(
                       CheckpointOptions().path(path).every_steps(every).resume(true).generators({{"noise", &noise}})),
                   callbacks);
    }

    std::string bytes() const {
        std::string out;
        for (const auto& [name, p] : model->named_state())
            out.append(reinterpret_cast<const char*>(p.value().data()), p.value().size() * sizeof(float));
        return out;
    }
};

// Byte equality of two runs' parameters and buffers (doctest would print the bytes).
bool same_bytes(const Run& a, const Run& b) { return a.bytes() == b.bytes(); }

std::string temp_file(const std::string& name) {
    return (fs::temp_directory_path() / fmt::format("aegrad_fit_{}_{}.safetensors", name, getpid())).string();
}

std::vector<double> losses(const History& h) {
    std::vector<double> out;
    for (const auto& e : h.epochs)
        out.push_back(e.loss);
    return out;
}
} // namespace

TEST_CASE("fit resumed from a checkpoint at any step ends with the bytes of an uninterrupted fit") {
    const std::string reference_path = temp_file("reference");
    Run reference(1);
    const History whole = reference.fit_to(reference_path, 3, 0);  // 8 steps per epoch (7 x 7 + 1)
    fs::remove(reference_path);
    REQUIRE(whole.epochs.size() == 3);

    Run first_epoch(1);  // what EarlyStopping must restore at the end: the weights after epoch 1
    first_epoch.fit_to(temp_file("one"), 1, 0);
    fs::remove(temp_file("one"));
    CHECK(same_bytes(reference, first_epoch));

    // Killed after step k, with checkpoints every 3 steps and at each epoch's end, then resumed (repeatedly:
    // a second kill during the resumed run) until done.
    for (std::vector<std::size_t> kills : {std::vector<std::size_t>{1}, {3}, {5}, {8}, {9}, {13, 17}, {16, 23}, {24}}) {
        CAPTURE(kills[0]);
        const std::string path = temp_file("resumed");
        fs::remove(path);
        for (std::size_t kill : kills) {
            Run killed(kill == kills[0] ? 1 : 500 + kill);  // a second kill hits an already resumed run
            InterruptAfter interrupt(kill);
            CHECK_THROWS_AS(killed.fit_to(path, 3, 3, {&interrupt}), Interrupt);
        }
        // Killed before the first checkpoint, the run starts again as a new process would (the same seed);
        // after it, a differently initialised model shows that everything comes from the checkpoint.
        Run resumed(fs::exists(path) ? 999 : 1);
        const History h = resumed.fit_to(path, 3, 3);
        CHECK(same_bytes(resumed, reference));
        CHECK(losses(h) == losses(whole));
        CHECK(resumed.noise.state() == reference.noise.state());
        fs::remove(path);
    }
}

TEST_CASE("A finished fit resumed with more epochs continues it as if it had been asked for them at first") {
    const std::string path = temp_file("extend");
    Run three(1);
    three.fit_to(path, 3, 0);
    fs::remove(path);
    Run two(1);
    two.fit_to(path, 2, 0);
    Run again(2);
    CHECK(again.fit_to(path, 2, 0).epochs.size() == 2);  // nothing left to do: no step is taken
    Run extended(3);
    const History h = extended.fit_to(path, 3, 0);
    CHECK(h.epochs.size() == 3);
    CHECK(same_bytes(extended, three));
    fs::remove(path);
}

TEST_CASE("A checkpoint of another model is refused before anything is changed") {
    const std::string path = temp_file("other");
    Run run(1);
    run.fit_to(path, 1, 0);
    manual_seed(4);
    auto other = std::make_shared<Sequential>();
    other->add(std::make_shared<Dense>(DenseOptions(6, 5)));
    other->add(std::make_shared<Dense>(DenseOptions(5, 6)));
    Adam optimizer(other->parameters());
    const Array<float> before = other->parameters()[0].value();
    try {
        load_fit_checkpoint(path, *other, optimizer, {}, {});
        FAIL("a checkpoint of another model was accepted");
    } catch (const FormatError& e) {
        CHECK(std::string(e.what()).find(path) != std::string::npos);
        CHECK(std::string(e.what()).find("model.0.weight") != std::string::npos);
    }
    CHECK(other->parameters()[0].value() == before);
    // A model file is not a checkpoint.
    save_parameters(*run.model, path);
    CHECK_THROWS_WITH_AS(load_fit_checkpoint(path, *run.model, *run.optimizer, {}, {}),
                         doctest::Contains("not a training checkpoint"), FormatError);
    fs::remove(path);
}

TEST_CASE("Generator and DataLoader states round-trip") {
    Generator g(7);
    g.engine()();
    Generator h;
    h.set_state(g.state());
    CHECK(g.engine()() == h.engine()());
    CHECK_THROWS_AS(h.set_state("not a state"), std::invalid_argument);

    Array<float> x = xt::arange<float>(20).reshape({10, 2});
    data::DataLoader a(data::Rows(x), 3, true, 4);
    data::Batch batch, other;
    a.start_epoch();
    a.next(batch);
    data::DataLoader b(data::Rows(x), 3, true, 99);
    b.resume(a.position());
    while (a.next(batch)) {
        REQUIRE(b.next(other));
        CHECK(batch.indices == other.indices);
    }
    CHECK_FALSE(b.next(other));
}
