// The grad-ready hook (autograd/grad_ready.hpp): each leaf reported once per pass, when nothing more will
// be added to its gradient, in the order backward finishes them.
#include <aegrad/autograd/grad_ready.hpp>
#include "helpers.hpp"

using namespace aegrad;
using aegrad::testing::random_tensor;

namespace {
struct Report {
    const Node<double>* leaf;
    Array<double> grad;  // the gradient when it was reported
    bool had_grad;
};

std::vector<Report> reports_of(const std::function<Tensor<double>()>& loss) {
    std::vector<Report> reports;
    GradReadyScope<double> scope([&](Node<double>& leaf) {
        reports.push_back({&leaf, leaf.has_grad ? leaf.grad : Array<double>(), leaf.has_grad});
    });
    loss().backward();
    return reports;
}
} // namespace

TEST_CASE("A tied weight is reported once, after both reads, with its final gradient") {
    auto x = random_tensor({4, 6}, 1, false), W = random_tensor({6, 3}, 2), b = random_tensor({6}, 3);
    const auto reports = reports_of([&] { return mse_loss(matmul(tanh(matmul(x, W)), transpose(W)) + b, x); });
    REQUIRE(reports.size() == 2);
    // b is read only by the last op, so it is final first; W's last read is the encoder's.
    CHECK(reports[0].leaf == b.id());
    CHECK(reports[1].leaf == W.id());
    CHECK(reports[1].grad == W.grad());
    CHECK(reports[0].grad == b.grad());
}

TEST_CASE("Leaves are reported in the order backward finishes them: the last layer's first") {
    auto x = random_tensor({5, 4}, 4, false);
    auto W1 = random_tensor({4, 3}, 5), b1 = random_tensor({3}, 6), W2 = random_tensor({3, 2}, 7),
         b2 = random_tensor({2}, 8);
    const auto reports = reports_of([&] { return sum(linear(relu(linear(x, W1, b1)), W2, b2)); });
    std::vector<const Node<double>*> order;
    for (const auto& r : reports)
        order.push_back(r.leaf);
    REQUIRE(order.size() == 4);
    // Each layer's pair in either order, but the second layer's before the first's.
    const auto at = [&](const Tensor<double>& t) { return std::find(order.begin(), order.end(), t.id()) - order.begin(); };
    CHECK(std::max(at(W2), at(b2)) < std::min(at(W1), at(b1)));
    for (const auto& r : reports)
        CHECK(r.had_grad);
    CHECK(reports[static_cast<std::size_t>(at(W1))].grad == W1.grad());
}

TEST_CASE("A leaf that needs no gradient, or is not in the graph, is not reported; scopes nest") {
    auto x = random_tensor({3, 2}, 9, false), w = random_tensor({2, 2}, 10), unused = random_tensor({2}, 11);
    int outer = 0, inner = 0;
    GradReadyScope<double> a([&](Node<double>& leaf) { CHECK(&leaf == w.id()); ++outer; });
    {
        GradReadyScope<double> b([&](Node<double>&) { ++inner; });
        sum(matmul(x, w)).backward();
    }
    CHECK(outer == 1);
    CHECK(inner == 1);
    sum(matmul(x, w)).backward();
    CHECK(outer == 2);
    CHECK(inner == 1);
    CHECK_FALSE(unused.has_grad());
}
