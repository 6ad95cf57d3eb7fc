// The training history's CSV: read back as written, and on a full disk an error that keeps the old file.
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <fmt/format.h>

#include <aegrad/nn/history.hpp>
#include "file_size_limit.hpp"
#include "helpers.hpp"

using namespace aegrad;
namespace fs = std::filesystem;

TEST_CASE("History's CSV round-trips, and a full disk is an error that leaves the old CSV whole") {
    const fs::path dir = fs::temp_directory_path() / fmt::format("aegrad_history_{}", getpid());
    fs::create_directories(dir);
    const std::string path = (dir / "history.csv").string();
    nn::History small;
    small.epochs.push_back({"", 1, 0.5, 0.25, 1.0, 100.0, 1e-3, 10.0, 0});
    small.write_csv(path);
    const std::uintmax_t good = fs::file_size(path);
    nn::History back = nn::History::read_csv(path);
    REQUIRE(back.epochs.size() == 1);
    CHECK(back.epochs[0].val_loss == 0.25);

    nn::History big;
    for (int e = 1; e <= 2000; ++e)
        big.epochs.push_back({"fine-tune", e, 0.5 / e, 0.25 / e, 1.0, 100.0, 1e-3, 10.0, 0});
    {
        testing::FileSizeLimit limit(4096);
        CHECK_THROWS_AS(big.write_csv(path), std::runtime_error);
    }
    CHECK(fs::file_size(path) == good);
    CHECK(nn::History::read_csv(path).epochs.size() == 1);
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
    fs::remove_all(dir);
}
