// The IDX reader on gzip files: the inflation cap (bombs, declared sizes), truncated and trailing streams.
#include <aegrad/data/idx.hpp>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = aegrad::fuzz::input_file(data, size, ".idx.gz");
    aegrad::fuzz::expect_data_error_or_success([&] { aegrad::data::read_idx(path); });
    return 0;
}
