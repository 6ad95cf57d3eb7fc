// One op, run as tests/autograd/torch_differential.py asks: reads a case (JSON on stdin: the op, its
// inputs and parameters, the gradient to send back), runs the op in float64 with the buffer pool filled
// with a NaN sentinel, runs backward (twice through a retained graph when asked), and prints the value and
// every input's gradient as JSON. One case per process, so a crash is pinned to its case.
#include <cmath>
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include <aegrad/autograd/autograd.hpp>
#include <aegrad/autograd/buffer_pool.hpp>

using namespace aegrad;
using json = nlohmann::json;
using T = double;

namespace {
json number(double v) {
    if (std::isnan(v))
        return "nan";
    if (std::isinf(v))
        return v > 0 ? "inf" : "-inf";
    return v;
}

double from_json(const json& v) {
    if (v.is_string())
        return v == "nan" ? NAN : v == "inf" ? INFINITY : -INFINITY;
    return v.get<double>();
}

Array<T> array_of(const json& j) {
    Shape shape;
    for (const auto& d : j.at("shape"))
        shape.push_back(d.get<std::size_t>());
    Array<T> a = Array<T>::from_shape(shape);
    const auto& data = j.at("data");
    if (data.size() != a.size())
        throw std::invalid_argument("op_peer: data does not fill its shape");
    for (std::size_t i = 0; i < a.size(); ++i)
        a.data()[i] = from_json(data[i]);
    return a;
}

json to_json(const Array<T>& a) {
    json data = json::array();
    for (std::size_t i = 0; i < a.size(); ++i)
        data.push_back(number(a.data()[i]));
    return {{"shape", std::vector<std::size_t>(a.shape().begin(), a.shape().end())}, {"data", data}};
}

Size2 size2(const json& p, const char* key, std::size_t fallback) {
    if (!p.contains(key))
        return Size2(fallback);
    const auto& v = p.at(key);
    return v.is_array() ? Size2(v[0].get<std::size_t>(), v[1].get<std::size_t>()) : Size2(v.get<std::size_t>());
}

using Inputs = std::vector<Tensor<T>>;
using Op = std::function<Tensor<T>(const Inputs&, const json&)>;

const std::map<std::string, Op>& ops() {
    static const std::map<std::string, Op> table = {
        {"relu", [](const Inputs& x, const json&) { return relu(x[0]); }},
        {"leaky_relu", [](const Inputs& x, const json& p) { return leaky_relu(x[0], p.at("slope").get<T>()); }},
        {"elu", [](const Inputs& x, const json& p) { return elu(x[0], p.at("alpha").get<T>()); }},
        {"selu", [](const Inputs& x, const json&) { return selu(x[0]); }},
        {"sigmoid", [](const Inputs& x, const json&) { return sigmoid(x[0]); }},
        {"tanh", [](const Inputs& x, const json&) { return aegrad::tanh(x[0]); }},
        {"softplus", [](const Inputs& x, const json&) { return softplus(x[0]); }},
        {"softmax", [](const Inputs& x, const json& p) { return softmax(x[0], p.at("axis").get<int>()); }},
        {"log_softmax", [](const Inputs& x, const json& p) { return log_softmax(x[0], p.at("axis").get<int>()); }},
        {"neg", [](const Inputs& x, const json&) { return neg(x[0]); }},
        {"exp", [](const Inputs& x, const json&) { return aegrad::exp(x[0]); }},
        {"log", [](const Inputs& x, const json&) { return aegrad::log(x[0]); }},
        {"sqrt", [](const Inputs& x, const json&) { return aegrad::sqrt(x[0]); }},
        {"pow", [](const Inputs& x, const json& p) { return aegrad::pow(x[0], p.at("p").get<T>()); }},
        {"abs", [](const Inputs& x, const json&) { return aegrad::abs(x[0]); }},
        {"clamp", [](const Inputs& x, const json& p) { return clamp(x[0], p.at("lo").get<T>(), p.at("hi").get<T>()); }},
        {"add", [](const Inputs& x, const json&) { return add(x[0], x[1]); }},
        {"sub", [](const Inputs& x, const json&) { return sub(x[0], x[1]); }},
        {"mul", [](const Inputs& x, const json&) { return mul(x[0], x[1]); }},
        {"div", [](const Inputs& x, const json&) { return div(x[0], x[1]); }},
        {"matmul", [](const Inputs& x, const json&) { return matmul(x[0], x[1]); }},
        {"matmul_bt", [](const Inputs& x, const json&) { return matmul(x[0], transpose(x[1])); }},
        {"linear", [](const Inputs& x, const json&) { return linear(x[0], transpose(x[1]), x[2]); }},
        {"sum", [](const Inputs& x, const json& p) {
             return p.contains("axes") ? sum(x[0], p.at("axes").get<std::vector<int>>(), p.value("keepdims", false)) : sum(x[0]);
         }},
        {"mean", [](const Inputs& x, const json& p) {
             return p.contains("axes") ? mean(x[0], p.at("axes").get<std::vector<int>>(), p.value("keepdims", false)) : mean(x[0]);
         }},
        {"reshape", [](const Inputs& x, const json& p) { return reshape(x[0], p.at("shape").get<std::vector<long>>()); }},
        {"flatten", [](const Inputs& x, const json&) { return flatten(x[0]); }},
        {"transpose", [](const Inputs& x, const json&) { return transpose(x[0]); }},
        {"slice", [](const Inputs& x, const json& p) {
             return slice(x[0], p.at("axis").get<int>(), p.at("start").get<std::size_t>(), p.at("stop").get<std::size_t>());
         }},
        {"concat", [](const Inputs& x, const json& p) { return concat(x, p.at("axis").get<int>()); }},
        {"mse_loss", [](const Inputs& x, const json&) { return mse_loss(x[0], x[1]); }},
        {"binary_cross_entropy", [](const Inputs& x, const json&) { return binary_cross_entropy(x[0], x[1]); }},
        {"bce_with_logits", [](const Inputs& x, const json&) { return bce_with_logits(x[0], x[1]); }},
        {"cross_entropy", [](const Inputs& x, const json& p) { return cross_entropy(x[0], p.at("labels").get<std::vector<int>>()); }},
        {"masked_mse_loss", [](const Inputs& x, const json& p) { return masked_mse_loss(x[0], x[1], array_of(p.at("mask"))); }},
        {"gaussian_kl", [](const Inputs& x, const json&) { return gaussian_kl(x[0], x[1]); }},
        {"conv2d", [](const Inputs& x, const json& p) {
             return conv2d(x[0], x[1], x.size() > 2 ? x[2] : Tensor<T>(),
                           Conv2dOptions().stride(size2(p, "stride", 1)).padding(size2(p, "padding", 0)).dilation(size2(p, "dilation", 1)));
         }},
        {"conv_transpose2d", [](const Inputs& x, const json& p) {
             return conv_transpose2d(x[0], x[1], x.size() > 2 ? x[2] : Tensor<T>(),
                                     ConvTranspose2dOptions()
                                         .stride(size2(p, "stride", 1))
                                         .padding(size2(p, "padding", 0))
                                         .output_padding(size2(p, "output_padding", 0))
                                         .dilation(size2(p, "dilation", 1)));
         }},
        {"max_pool2d", [](const Inputs& x, const json& p) {
             return max_pool2d(x[0], size2(p, "kernel", 2), Pool2dOptions().stride(size2(p, "stride", 0)).padding(size2(p, "padding", 0)));
         }},
        {"avg_pool2d", [](const Inputs& x, const json& p) {
             return avg_pool2d(x[0], size2(p, "kernel", 2),
                               Pool2dOptions().stride(size2(p, "stride", 0)).padding(size2(p, "padding", 0))
                                   .count_include_pad(p.value("count_include_pad", true)));
         }},
        {"global_avg_pool2d", [](const Inputs& x, const json&) { return global_avg_pool2d(x[0]); }},
        {"upsample_nearest2d", [](const Inputs& x, const json& p) { return upsample_nearest2d(x[0], size2(p, "scale", 2)); }},
        {"upsample_bilinear2d", [](const Inputs& x, const json& p) { return upsample_bilinear2d(x[0], size2(p, "scale", 2)); }},
        {"batch_norm", [](const Inputs& x, const json& p) {
             return batch_norm(x[0], x[1], x[2], nullptr, nullptr, BatchNormOptions().eps(p.value("eps", 1e-5)));
         }},
    };
    return table;
}
} // namespace

int main() {
    set_buffer_pool_sentinel(true);
    json out;
    try {
        const json c = json::parse(std::cin);
        const std::string name = c.at("op");
        const auto op = ops().find(name);
        if (op == ops().end()) {
            std::cout << json{{"error", "no such op: " + name}}.dump() << "\n";
            return 3;
        }
        Inputs inputs;
        for (const auto& in : c.at("inputs"))
            inputs.emplace_back(array_of(in), in.value("grad", true));
        const json params = c.value("params", json::object());
        Tensor<T> y = op->second(inputs, params);
        out["value"] = to_json(y.value());
        if (y.requires_grad()) {
            const Array<T> seed = c.contains("upstream") ? array_of(c.at("upstream")) : Array<T>(xt::ones<T>(y.shape()));
            const bool twice = c.value("retain", false);
            y.backward(seed, BackwardOptions{twice});
            if (twice)
                y.backward(seed);
            out["grads"] = json::array();
            for (const auto& in : inputs)
                out["grads"].push_back(in.requires_grad() && in.has_grad() ? to_json(in.grad()) : json());
        }
    } catch (const std::exception& e) {
        out["error"] = e.what();
    }
    std::cout << out.dump() << "\n";
    return 0;
}
