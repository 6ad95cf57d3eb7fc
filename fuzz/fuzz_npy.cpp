// The NPY reader: the magic, versions 1-3, the header dict (dtype, fortran_order, shape), sizes.
#include <aegrad/data/npy.hpp>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    aegrad::fuzz::expect_data_error_or_success([&] { aegrad::data::read_npy("input.npy", bytes); });
    aegrad::fuzz::expect_data_error_or_success([&] { aegrad::data::read_npy_labels("input.npy", bytes); });
    return 0;
}
