#include <aegrad/data/mnist.hpp>

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include <aegrad/data/idx.hpp>

namespace aegrad::data {

namespace {
// The file `stem` in `dir`, plain or gzip-compressed.
std::string find_file(const std::string& dir, const std::string& stem) {
    namespace fs = std::filesystem;
    for (const std::string& name : {stem, stem + ".gz"})
        if (fs::exists(fs::path(dir) / name))
            return (fs::path(dir) / name).string();
    throw IdxError(fmt::format("{}: no {} or {}.gz here (an MNIST-format folder holds train-images-idx3-ubyte, "
                               "train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, "
                               "optionally .gz)",
                               dir, stem, stem));
}
} // namespace

LabelledImages load_mnist(const std::string& dir, Split split, std::size_t limit) {
    const std::string prefix = split == Split::train ? "train" : "t10k";
    const std::string image_path = find_file(dir, prefix + "-images-idx3-ubyte");
    const std::string label_path = find_file(dir, prefix + "-labels-idx1-ubyte");
    IdxArray images = read_idx(image_path);
    IdxArray labels = read_idx(label_path);
    for (const auto& [file, array] : {std::pair{&image_path, &images}, std::pair{&label_path, &labels}})
        if (array->type != 0x08)
            throw IdxError(fmt::format("{}: element type 0x{:02x}, where an MNIST-format file holds unsigned bytes",
                                       *file, array->type));
    if (images.dims.size() != 3)
        throw IdxError(fmt::format("{}: images need 3 dimensions (count, rows, cols), found {}", image_path,
                                   shape_str(images.dims)));
    if (labels.dims.size() != 1)
        throw IdxError(fmt::format("{}: labels need 1 dimension, found {}", label_path, shape_str(labels.dims)));
    if (images.dims[0] != labels.dims[0])
        throw IdxError(fmt::format("{} holds {} images but {} holds {} labels", image_path, images.dims[0],
                                   label_path, labels.dims[0]));
    const std::size_t n = limit == 0 ? images.dims[0] : std::min<std::size_t>(limit, images.dims[0]);
    LabelledImages out;
    out.rows = images.dims[1];
    out.cols = images.dims[2];
    const std::size_t pixels = out.rows * out.cols;
    out.pixels = Array<std::uint8_t>::from_shape({n, pixels});
    std::copy_n(images.bytes.begin(), n * pixels, out.pixels.begin());
    out.labels.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (labels.bytes[i] > 9)
            throw IdxError(fmt::format("{}: label {} at index {} is not a class in 0..9", label_path, labels.bytes[i], i));
        out.labels.push_back(labels.bytes[i]);
    }
    return out;
}

const std::vector<std::string>& fashion_mnist_classes() {
    static const std::vector<std::string> names{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    return names;
}

} // namespace aegrad::data
