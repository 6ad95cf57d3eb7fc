#pragma once
// Finite-difference gradient checking in double precision, for our ops and for users' own functions and
// models.
#include <functional>
#include <string>
#include <vector>

#include <aegrad/autograd/tensor.hpp>

namespace aegrad {

struct GradcheckOptions {
    double eps = 1e-6;   // central-difference step
    double atol = 1e-6;  // an element passes when |analytic - numeric| <= atol + rtol * |numeric|
    double rtol = 1e-4;
    unsigned seed = 7;   // for the random projection of a non-scalar output
};

/// The outcome, with the worst element found (the one furthest past its tolerance).
struct GradcheckReport {
    bool ok = true;
    std::size_t input = 0;             // which input holds the worst element
    Shape index;                       // its multi-index in that input
    double analytic = 0, numeric = 0;  // the two derivatives there
    double worst_ratio = 0;            // |analytic - numeric| / (atol + rtol |numeric|); ok means <= 1
    std::size_t checked = 0;           // how many elements were compared
    std::string message;               // one line describing the worst element
    explicit operator bool() const { return ok; }
};

/// Compares backward's gradient of f with central differences, for every element of every input that
/// requires grad. A non-scalar output is reduced by a fixed random projection, sum(f(x) * R), so every
/// output element is checked with its own weight. f must be deterministic (reseed random ops inside it).
///
///   auto report = gradcheck([](auto& in) { return sum(tanh(matmul(in[0], in[1]))); }, {x, w});
///   if (!report) std::cerr << report.message;
GradcheckReport gradcheck(const std::function<Tensor<double>(const std::vector<Tensor<double>>&)>& f,
                          std::vector<Tensor<double>> inputs, GradcheckOptions options = {});

} // namespace aegrad
