#pragma once
// GradientFlow: a training callback that watches how gradients flow, every N steps. It logs per-parameter
// gradient norms; for each parameter read by several ops (a tied weight), the norm of each read's
// contribution and the cosine between reads (via per-read attribution, switched on for those steps only);
// update-to-weight ratios ||dW|| / ||W|| of the optimizer step; and the fraction of dead ReLU units (never
// positive on a fixed probe batch). Rows go to a long-format CSV, and plot_svgs() draws them.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <aegrad/autograd/read_attribution.hpp>
#include <aegrad/nn/callbacks.hpp>

namespace aegrad::nn {

class GradientFlow : public Callback {
public:
    /// Logs every `every` steps; `probe` [n, features] is the batch dead ReLU units are counted on.
    GradientFlow(std::size_t every, Array<float> probe);

    void on_step_begin(Module& model, std::size_t step) override;
    void on_after_backward(Module& model, std::size_t step) override;
    void on_step_end(Module& model, std::size_t step, double loss) override;

    struct Row {
        std::size_t step;
        std::string metric;  // grad_norm, read_norm, read_cosine, update_ratio, dead_relu, loss
        std::string name;    // parameter, "parameter <- reader", "parameter: reader vs reader", layer
        double value;
    };
    const std::vector<Row>& rows() const { return rows_; }
    /// Columns step,metric,name,value. Atomic.
    void write_csv(const std::string& path) const;
    /// One SVG per metric in `dir` (gradflow-<metric>.svg); returns the files written.
    std::vector<std::string> plot_svgs(const std::string& dir, const std::string& title_prefix) const;

private:
    bool logging(std::size_t step) const { return step % every_ == 1 || every_ == 1; }
    std::size_t every_;
    Array<float> probe_;
    ReadAttribution<float> attribution_;
    std::unique_ptr<AttributionScope<float>> scope_;
    std::vector<Array<float>> before_;  // parameter values before the logged step's update
    std::vector<Row> rows_;
};

} // namespace aegrad::nn
