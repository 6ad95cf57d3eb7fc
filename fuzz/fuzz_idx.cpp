// The IDX reader on plain files: header, dimensions (their product can overflow), element types, sizes.
#include <aegrad/data/idx.hpp>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = aegrad::fuzz::input_file(data, size, ".idx");
    aegrad::fuzz::expect_data_error_or_success([&] { aegrad::data::read_idx(path); });
    return 0;
}
