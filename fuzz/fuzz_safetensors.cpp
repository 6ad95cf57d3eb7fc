// The safetensors reader: the header length, the JSON header, dtypes, shapes (their products can
// overflow), offsets against the data; and a training checkpoint read from the same bytes.
#include <aegrad/nn/safetensors.hpp>
#include <aegrad/nn/training_state.hpp>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace aegrad;
    const std::string path = fuzz::input_file(data, size, ".safetensors");
    fuzz::expect_data_error_or_success([&] { nn::read_safetensors_metadata(path); });
    fuzz::expect_data_error_or_success([&] { nn::safetensors_value_count(path); });
    fuzz::expect_data_error_or_success([&] { nn::read_safetensors<float>(path); });
    fuzz::expect_data_error_or_success([&] { nn::read_safetensors<double>(path); });
    fuzz::expect_data_error_or_success([&] { nn::TrainingState::read(path); });
    return 0;
}
