// Output files are whole or absent: a write that fails (a full disk, here a file-size limit) is an error
// naming the file, the old file stays as it was, and no temporary file is left behind.
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <fmt/format.h>

#include <aegrad/data/atomic_file.hpp>
#include "file_size_limit.hpp"
#include "helpers.hpp"

using namespace aegrad;
namespace fs = std::filesystem;

namespace {
std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}
std::size_t files_in(const fs::path& dir) {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}
} // namespace

TEST_CASE("A write that runs out of space is an error naming the file, and the old file survives whole") {
    const fs::path dir = fs::temp_directory_path() / fmt::format("aegrad_atomic_{}", getpid());
    fs::create_directories(dir);
    const std::string path = (dir / "metrics.json").string();
    data::write_file_atomically(path, [](std::ostream& out) { out << "good"; });
    {
        testing::FileSizeLimit limit(4096);
        try {
            data::write_file_atomically(path, [](std::ostream& out) { out << std::string(100000, 'x'); });
            FAIL("a write past the limit succeeded");
        } catch (const std::runtime_error& e) {
            CHECK(std::string(e.what()).find(path) != std::string::npos);
        }
    }
    CHECK(read(path) == "good");
    CHECK(files_in(dir) == 1);  // no metrics.json.tmp.PID
    // An exception from the writer itself is passed on after the same clean-up.
    CHECK_THROWS_AS(data::write_file_atomically(path, [](std::ostream&) { throw std::logic_error("stop"); }), std::logic_error);
    CHECK(read(path) == "good");
    CHECK(files_in(dir) == 1);
    fs::remove_all(dir);
}
