#include "output_files.hpp"

#include <filesystem>

namespace aegrad::cli {

namespace fs = std::filesystem;

std::string extension_of(const std::string& path) { return fs::path(path).extension().string(); }

void make_parent_folder(const std::string& path) {
    const fs::path parent = fs::path(path).parent_path();
    if (!parent.empty())
        fs::create_directories(parent);
}

std::string beside(const std::string& path, const std::string& suffix) {
    return (fs::path(path).parent_path() / fs::path(path).stem()).string() + suffix;
}

} // namespace aegrad::cli
