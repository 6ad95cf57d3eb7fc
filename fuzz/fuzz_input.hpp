#pragma once
// What every fuzz target shares: the input written to a file (the readers take paths, as users give them),
// and the rule that a reader may refuse an input only with data::DataError. Anything else that escapes (a
// std::bad_alloc from a size taken on trust, std::out_of_range, a crash) is a finding.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <unistd.h>

#include <aegrad/data/data_error.hpp>

namespace aegrad::fuzz {

/// A file in /dev/shm (or /tmp) holding `data`, named with `extension` so readers that look at it (".gz")
/// take the path they would for a user's file. The same name is reused for every input of a process.
inline std::string input_file(const std::uint8_t* data, std::size_t size, const std::string& extension) {
    static const std::string folder = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    const std::string path = folder + "/aegrad-fuzz-" + std::to_string(getpid()) + extension;
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data),
                                                                   static_cast<std::streamsize>(size));
    return path;
}

/// Runs `read`, accepting a data::DataError as the reader's answer to a bad file.
template <class Read> void expect_data_error_or_success(Read read) {
    try {
        read();
    } catch (const data::DataError&) {
    }
}

} // namespace aegrad::fuzz
