#pragma once
// A full disk, simulated: while a FileSizeLimit lives, no file of this process can grow past `bytes`
// (RLIMIT_FSIZE), and a write past it fails with EFBIG as a write to a full disk fails with ENOSPC.
#include <csignal>
#include <sys/resource.h>

namespace aegrad::testing {

class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        getrlimit(RLIMIT_FSIZE, &saved_);
        old_handler_ = std::signal(SIGXFSZ, SIG_IGN);  // the write fails instead of the process being killed
        rlimit limit = saved_;
        limit.rlim_cur = bytes;
        setrlimit(RLIMIT_FSIZE, &limit);
    }
    ~FileSizeLimit() {
        setrlimit(RLIMIT_FSIZE, &saved_);
        std::signal(SIGXFSZ, old_handler_);
    }
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;

private:
    rlimit saved_{};
    void (*old_handler_)(int) = SIG_DFL;
};

} // namespace aegrad::testing
