// The CSV reader: quoting, line endings, headers, ragged rows, numbers, and a label column.
#include <aegrad/data/csv.hpp>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace aegrad;
    const std::string path = fuzz::input_file(data, size, ".csv");
    fuzz::expect_data_error_or_success([&] { data::read_csv(path); });
    fuzz::expect_data_error_or_success([&] { data::read_csv(path, data::CsvOptions().label_column("0")); });
    return 0;
}
