#include <aegrad/autograd/gradcheck.hpp>

#include <cmath>
#include <random>

#include <fmt/format.h>
#include <xtensor/xoperation.hpp>

#include <aegrad/autograd/elementwise.hpp>
#include <aegrad/autograd/reductions.hpp>

namespace aegrad {

namespace {

using Fn = std::function<Tensor<double>(const std::vector<Tensor<double>>&)>;

// f's output reduced to a scalar with fixed random weights (none when it already is a scalar).
Tensor<double> projected(const Fn& f, const std::vector<Tensor<double>>& inputs, const Array<double>& weights) {
    Tensor<double> out = f(inputs);
    if (out.size() == 1)
        return out;
    return sum(out * Tensor<double>(weights));
}

Shape unravel(std::size_t flat, const Shape& shape) {
    Shape index(shape.size(), 0);
    for (std::size_t i = shape.size(); i-- > 0;) {
        index[i] = flat % shape[i];
        flat /= shape[i];
    }
    return index;
}

} // namespace

GradcheckReport gradcheck(const Fn& f, std::vector<Tensor<double>> inputs, GradcheckOptions options) {
    // The projection weights are drawn once, in [0.5, 1.5] so that no output element is ignored.
    Array<double> weights;
    {
        NoGradGuard no_grad;
        Tensor<double> probe = f(inputs);
        std::mt19937 rng(options.seed);
        std::uniform_real_distribution<double> dist(0.5, 1.5);
        weights = Array<double>::from_shape(probe.shape());
        for (double& w : weights)
            w = dist(rng);
    }
    for (auto& in : inputs)
        in.zero_grad();
    {
        NoGradGuard grad_on(true);
        Tensor<double> loss = projected(f, inputs, weights);
        if (!loss.requires_grad())
            throw std::invalid_argument("gradcheck: the function's output does not depend on any input that "
                                        "requires grad");
        loss.backward();
    }

    GradcheckReport report;
    NoGradGuard no_grad;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        Tensor<double>& x = inputs[i];
        if (!x.requires_grad())
            continue;
        const bool reached = x.has_grad();
        auto& values = x.mutable_value();
        for (std::size_t j = 0; j < values.size(); ++j) {
            const double saved = values.data()[j];
            values.data()[j] = saved + options.eps;
            const double up = projected(f, inputs, weights).item();
            values.data()[j] = saved - options.eps;
            const double down = projected(f, inputs, weights).item();
            values.data()[j] = saved;
            const double numeric = (up - down) / (2 * options.eps);
            const double analytic = reached ? x.grad().data()[j] : 0.0;
            const double ratio = std::abs(analytic - numeric) / (options.atol + options.rtol * std::abs(numeric));
            ++report.checked;
            if (!(ratio <= report.worst_ratio) || report.checked == 1) {  // !(<=) also catches NaN
                report.worst_ratio = std::isnan(ratio) ? INFINITY : ratio;
                report.input = i;
                report.index = unravel(j, x.shape());
                report.analytic = analytic;
                report.numeric = numeric;
            }
        }
    }
    report.ok = report.checked > 0 && report.worst_ratio <= 1.0;
    report.message = report.checked == 0
                         ? "gradcheck: no input requires grad, nothing was checked"
                         : fmt::format("gradcheck {}: worst element input {} index {}: analytic {:.10g}, numeric "
                                       "{:.10g} ({:.3g} of tolerance, {} elements checked)",
                                       report.ok ? "passed" : "FAILED", report.input, shape_str(report.index),
                                       report.analytic, report.numeric, report.worst_ratio, report.checked);
    return report;
}

} // namespace aegrad
