#include <aegrad/data/dataset.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <random>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <aegrad/data/csv.hpp>
#include <aegrad/data/idx.hpp>
#include <aegrad/data/npy.hpp>
#include <aegrad/data/npz.hpp>

namespace aegrad::data {

namespace fs = std::filesystem;

std::size_t Dataset::features() const {
    return std::accumulate(sample.begin(), sample.end(), std::size_t{1}, std::multiplies<>());
}

Rows Dataset::rows() const {
    if (has_bytes())
        return Rows(bytes);
    return Rows(floats);
}

Dataset Dataset::subset(const std::vector<std::size_t>& indices) const {
    Dataset out;
    out.sample = sample;
    out.classes = classes;
    out.columns = columns;
    const std::size_t width = features();
    const auto gather = [&](const auto& from, auto& to) {
        to = std::decay_t<decltype(to)>::from_shape({indices.size(), width});
        for (std::size_t i = 0; i < indices.size(); ++i)
            std::copy_n(from.data() + indices[i] * width, width, to.data() + i * width);
    };
    if (has_bytes())
        gather(bytes, out.bytes);
    else
        gather(floats, out.floats);
    if (!labels.empty())
        for (std::size_t i : indices)
            out.labels.push_back(labels.at(i));
    return out;
}

namespace {
[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw DataError(fmt::format("{}: {}", path, what));
}

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

bool is_idx(const std::string& path) {
    const std::string plain = ends_with(path, ".gz") ? path.substr(0, path.size() - 3) : path;
    return ends_with(plain, ".idx") || ends_with(plain, "-ubyte") || plain.find("-idx") != std::string::npos;
}

// An array [N, ...] as samples: the first dimension counts them, the rest is one sample's shape.
Shape sample_shape(const std::string& path, const Shape& shape) {
    if (shape.size() > 4)
        fail(path, fmt::format("shape {}: expected [N, features], [N, H, W] or [N, C, H, W]", shape_str(shape)));
    Shape sample(shape.begin() + 1, shape.end());
    if (sample.empty())
        sample = {1};
    return sample;
}

// Non-finite values are refused where they enter: training on them would only fail later, less clearly.
void check_finite(const std::string& path, const Array<float>& values, std::size_t width) {
    const float* v = values.data();
    for (std::size_t i = 0; i < values.size(); ++i)
        if (!std::isfinite(v[i]))
            fail(path, fmt::format("sample {}, value {} is {}", i / width, i % width, v[i]));
}

std::vector<int> read_labels(const std::string& path) {
    if (ends_with(path, ".npy"))
        return read_npy_labels(path);
    if (!is_idx(path))
        fail(path, "a labels file must be .npy or IDX");
    const IdxArray a = read_idx(path);
    if (a.dims.size() != 1)
        fail(path, fmt::format("labels have shape {}: expected [N]", shape_str(a.dims)));
    std::vector<int> labels;
    for (std::size_t i = 0; i < a.dims[0]; ++i) {
        const double v = a.type == 0x08 ? a.bytes[i] : a.values[i];
        if (v != std::floor(v))
            fail(path, fmt::format("label {} is {}, not an integer", i, v));
        labels.push_back(static_cast<int>(v));
    }
    return labels;
}

// One of `bytes` and `floats` holds the values (shape's elements, any layout); the other is 0-d.
Dataset from_array(const std::string& path, const Shape& shape, Array<std::uint8_t> bytes, Array<float> floats) {
    Dataset d;
    d.sample = sample_shape(path, shape);
    if (d.features() == 0)
        fail(path, fmt::format("shape {}: the samples hold no values", shape_str(shape)));
    const Shape flat{shape[0], d.features()};
    if (bytes.dimension() > 0) {
        d.bytes = std::move(bytes);
        d.bytes.reshape(flat);
    } else {
        d.floats = std::move(floats);
        d.floats.reshape(flat);
        check_finite(path, d.floats, d.features());
    }
    return d;
}

// The arrays of an .npz archive by name.
using NpzMembers = std::vector<std::pair<std::string, std::string>>;
const std::string* member(const NpzMembers& members, const std::string& name) {
    for (const auto& [n, bytes] : members)
        if (n == name)
            return &bytes;
    return nullptr;
}

Dataset load_npz(const std::string& path, const DatasetOptions& o, Split split) {
    if (!o.labels().empty())
        fail(path, "an .npz archive's labels are one of its arrays (y, labels, or y_train and y_test)");
    const NpzMembers members = read_npz(path);
    std::string x = "x", y;
    if (member(members, "x_train") && member(members, "x_test")) {
        x = split == Split::train ? "x_train" : "x_test";
        y = split == Split::train ? "y_train" : "y_test";
    } else if (!member(members, "x")) {
        std::vector<std::string> names;
        for (const auto& [n, bytes] : members)
            if (n != "y" && n != "labels")
                names.push_back(n);
        if (names.size() != 1)
            fail(path, fmt::format("arrays {}: name the samples x (or x_train and x_test)",
                                   names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "))));
        x = names[0];
    }
    if (y.empty())
        y = member(members, "y") ? "y" : "labels";
    const std::string where = fmt::format("{}: array '{}'", path, x);
    NpyArray a = read_npy(where, *member(members, x));
    if (a.shape.empty() || a.shape[0] == 0)
        fail(where, "no samples");
    Dataset d = from_array(where, a.shape, std::move(a.bytes), std::move(a.floats));
    if (const std::string* labels = member(members, y)) {
        d.labels = read_npy_labels(fmt::format("{}: array '{}'", path, y), *labels);
        if (d.labels.size() != d.size())
            fail(path, fmt::format("array '{}' holds {} labels for the {} samples of '{}'", y, d.labels.size(), d.size(), x));
    }
    return d;
}

Dataset load_file(const std::string& path, const DatasetOptions& o) {
    if (ends_with(path, ".csv")) {
        if (!o.labels().empty())
            fail(path, "a CSV file's labels come from one of its columns (a label column), not a second file");
        Table t = read_csv(path, CsvOptions().header(o.header()).label_column(o.label_column()).skip_lines(o.skip_lines()));
        Dataset d;
        d.sample = {t.values.shape()[1]};
        d.floats = std::move(t.values);
        d.labels = std::move(t.labels);
        d.classes = std::move(t.classes);
        d.columns = std::move(t.columns);
        return d;
    }
    if (!o.label_column().empty())
        fail(path, "a label column is for CSV files; give an array's labels as a second file");
    if (ends_with(path, ".npy")) {
        NpyArray a = read_npy(path);
        if (a.shape.empty() || a.shape[0] == 0)
            fail(path, "no samples");
        return from_array(path, a.shape, std::move(a.bytes), std::move(a.floats));
    }
    if (is_idx(path)) {
        IdxArray a = read_idx(path);
        if (a.dims[0] == 0)
            fail(path, "no samples");
        Array<std::uint8_t> bytes;  // 0-d: none
        Array<float> floats;
        if (a.type == 0x08) {
            bytes = Array<std::uint8_t>::from_shape({a.bytes.size()});
            std::copy(a.bytes.begin(), a.bytes.end(), bytes.data());
        } else {
            floats = Array<float>::from_shape({a.values.size()});
            std::copy(a.values.begin(), a.values.end(), floats.data());
        }
        return from_array(path, a.dims, std::move(bytes), std::move(floats));
    }
    fail(path, "unknown kind of file: expected .csv, .npy, .npz, an IDX file (.idx, -ubyte, optionally .gz) or an "
               "MNIST-format folder");
}
} // namespace

Dataset load_dataset(const std::string& path, const DatasetOptions& o, Split split) {
    Dataset d;
    if (fs::is_directory(path)) {
        LabelledImages images = load_mnist(path, split, o.limit());
        d.sample = {images.rows, images.cols};
        d.bytes = std::move(images.pixels);
        d.labels = std::move(images.labels);
        std::error_code ec;
        if (fs::equivalent(path, kFashionMnistDir, ec))
            d.classes = fashion_mnist_classes();
        return d;
    }
    if (!fs::exists(path))
        fail(path, "no such file or folder");
    d = ends_with(path, ".npz") ? load_npz(path, o, split) : load_file(path, o);
    if (!o.labels().empty()) {
        d.labels = read_labels(o.labels());
        if (d.labels.size() != d.size())
            throw DataError(fmt::format("{} holds {} labels but {} holds {} samples", o.labels(), d.labels.size(), path,
                                        d.size()));
    }
    if (o.limit() && o.limit() < d.size()) {
        std::vector<std::size_t> first(o.limit());
        std::iota(first.begin(), first.end(), 0);
        d = d.subset(first);
    }
    return d;
}

bool has_splits(const std::string& path) {
    if (fs::is_directory(path))
        return true;
    if (!ends_with(path, ".npz") || !fs::exists(path))
        return false;
    const NpzMembers members = read_npz(path);
    return member(members, "x_train") && member(members, "x_test");
}

std::pair<Dataset, Dataset> split_dataset(const Dataset& data, double fraction, std::uint64_t seed) {
    const std::size_t n = data.size();
    if (n < 2)
        throw std::invalid_argument(fmt::format("split_dataset: {} samples cannot be split in two", n));
    if (!(fraction > 0 && fraction < 1))
        throw std::invalid_argument(fmt::format("split_dataset: fraction {} is not in (0, 1)", fraction));
    const std::size_t second = std::clamp<std::size_t>(
        static_cast<std::size_t>(std::llround(fraction * static_cast<double>(n))), 1, n - 1);
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 rng(seed);
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<std::size_t> a(order.begin() + static_cast<long>(second), order.end()), b(order.begin(), order.begin() + static_cast<long>(second));
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    return {data.subset(a), data.subset(b)};
}

} // namespace aegrad::data
