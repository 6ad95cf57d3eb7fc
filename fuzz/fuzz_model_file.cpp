// A model file as `aegrad eval` loads it: the metadata decides what model is built (checked against what
// the file can hold before anything is allocated), then the tensors are loaded into it by name and shape.
#include "model_spec.hpp"

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = aegrad::fuzz::input_file(data, size, ".safetensors");
    aegrad::fuzz::expect_data_error_or_success([&] { aegrad::cli::load_model(path); });
    return 0;
}
