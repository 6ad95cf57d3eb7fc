// Per-read gradient attribution (autograd/read_attribution.hpp, readers named by autograd/name_scope.hpp):
// each read of a shared node kept separately, summing to the gradient,
// named after its op and scope; off, nothing changes. And the DOT export of a tied graph.
#include <aegrad/autograd/dot_export.hpp>
#include "helpers.hpp"

using namespace aegrad;
using aegrad::testing::random_tensor;

namespace {
// code = tanh(x W), out = code W^T + b: W [6, 3] is read by the matmul and by the transpose.
Tensor<double> tied_forward(const Tensor<double>& x, const Tensor<double>& W, const Tensor<double>& b) {
    Tensor<double> code;
    {
        NameScope enc("encoder");
        code = tanh(matmul(x, W));
    }
    NameScope dec("decoder");
    return matmul(code, transpose(W)) + b;
}
} // namespace

TEST_CASE("Per-read contributions of a tied weight sum to its gradient and match each read's own gradient") {
    auto x = random_tensor({4, 6}, 1, false), W = random_tensor({6, 3}, 2), b = random_tensor({6}, 3);
    ReadAttribution<double> attribution;
    {
        AttributionScope<double> on(attribution);
        mse_loss(tied_forward(x, W, b), x).backward();
    }
    const auto& reads = attribution.reads(W);
    REQUIRE(reads.size() == 2);
    CHECK(reads[0].reader == "decoder/transpose");  // backward meets the decoder's read first
    CHECK(reads[1].reader == "encoder/matmul");
    CHECK(xt::allclose(reads[0].gradient + reads[1].gradient, W.grad(), 1e-12, 1e-15));
    CHECK(attribution.shared_leaves() == std::vector<const Node<double>*>{W.id()});
    CHECK(attribution.reads(b).size() == 1);

    // Known independently: untie W into W1 (encoder) and W2 (decoder, holding the same values).
    Tensor<double> W1(W.value(), true), W2(W.value(), true);
    Tensor<double> code = tanh(matmul(x, W1));
    mse_loss(matmul(code, transpose(W2)) + b, x).backward();
    CHECK(xt::allclose(reads[1].gradient, W1.grad(), 1e-12, 1e-15));
    CHECK(xt::allclose(reads[0].gradient, W2.grad(), 1e-12, 1e-15));
    const double cos = ReadAttribution<double>::cosine(reads[0], reads[1]);
    CHECK(cos >= -1.0);
    CHECK(cos <= 1.0);
    CHECK(ReadAttribution<double>::cosine(reads[0], reads[0]) == doctest::Approx(1.0));
}

TEST_CASE("With attribution off nothing is recorded and the gradient is the same") {
    auto x = random_tensor({4, 6}, 1, false), W = random_tensor({6, 3}, 2), b = random_tensor({6}, 3);
    CHECK(active_edge_hooks<double>().empty());
    mse_loss(tied_forward(x, W, b), x).backward();
    const xt::xarray<double> off = W.grad();
    W.zero_grad();
    ReadAttribution<double> attribution;
    {
        AttributionScope<double> on(attribution);
        CHECK(active_edge_hooks<double>().size() == 1);
        mse_loss(tied_forward(x, W, b), x).backward();
    }
    CHECK(active_edge_hooks<double>().empty());
    CHECK(xt::allclose(W.grad(), off, 1e-13, 1e-16));
    W.zero_grad();
    mse_loss(tied_forward(x, W, b), x).backward();  // off again: the fused path, same values
    CHECK(xt::allclose(W.grad(), off, 0, 0));
    CHECK(attribution.reads(W).size() == 2);  // the passes outside the scope added nothing
}

TEST_CASE("The DOT export shows a tied weight as one node read twice, once through transpose") {
    auto x = random_tensor({2, 6}, 1, false), W = random_tensor({6, 3}, 2), b = random_tensor({6}, 3);
    W.set_label("W");
    const std::string dot = to_dot(mse_loss(tied_forward(x, W, b), x), "tied");
    CHECK(dot.rfind("digraph aegrad {", 0) == 0);
    // Find W's node id, then count its outgoing edges and check one enters a transpose.
    const auto at = dot.find("label=\"W\\n[6, 3]\"");
    REQUIRE(at != std::string::npos);
    const auto id_start = dot.rfind("  n", at) + 2;
    const std::string id = dot.substr(id_start, dot.find(' ', id_start) - id_start);
    std::size_t out_edges = 0;
    for (std::size_t p = 0; (p = dot.find("  " + id + " -> ", p)) != std::string::npos; ++p)
        ++out_edges;
    CHECK(out_edges == 2);
    CHECK(dot.find("decoder\\ntranspose") != std::string::npos);
    CHECK(dot.find("encoder\\nmatmul") != std::string::npos);
}
