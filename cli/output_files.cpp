#include "output_files.hpp"

#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include <aegrad/data/atomic_file.hpp>

namespace aegrad::cli {

namespace fs = std::filesystem;

std::string extension_of(const std::string& path) { return fs::path(path).extension().string(); }

void make_parent_folder(const std::string& path) {
    const fs::path parent = fs::path(path).parent_path();
    if (!parent.empty())
        fs::create_directories(parent);
}

void make_output_folder(const std::string& dir) {
    std::error_code error;
    fs::create_directories(dir, error);
    if (error)
        throw std::runtime_error(fmt::format("--out {}: cannot create the folder ({})", dir, error.message()));
    const std::string probe = (fs::path(dir) / ".aegrad-write-check").string();
    try {
        data::write_file_atomically(probe, [](std::ostream& out) { out << "aegrad\n"; });
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(fmt::format("--out {}: cannot write files there ({})", dir, e.what()));
    }
    fs::remove(probe, error);
}

std::string beside(const std::string& path, const std::string& suffix) {
    return (fs::path(path).parent_path() / fs::path(path).stem()).string() + suffix;
}

} // namespace aegrad::cli
