// The NPZ reader: the ZIP directory, stored and deflated members, their sizes and CRCs, and each member as
// an NPY array.
#include <aegrad/data/npy.hpp>
#include <aegrad/data/npz.hpp>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = aegrad::fuzz::input_file(data, size, ".npz");
    aegrad::fuzz::expect_data_error_or_success([&] {
        for (const auto& member : aegrad::data::read_npz(path))  // not a structured binding: C++17 lambdas cannot capture one
            aegrad::fuzz::expect_data_error_or_success([&] { aegrad::data::read_npy(member.first, member.second); });
    });
    return 0;
}
