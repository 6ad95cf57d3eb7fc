// autograd/allocator.cpp: a large buffer freed and allocated again (what every training step does) is
// served from memory the process kept, not faulted back in from the kernel page by page.
#include <cstdlib>
#include <cstring>

#include <sys/resource.h>

#include "helpers.hpp"

namespace {

long minor_faults() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_minflt;
}

// Allocates `bytes`, writes every page, frees it; returns the page faults that took.
long faults_of_one_round(std::size_t bytes) {
    const long before = minor_faults();
    auto* p = static_cast<char*>(std::malloc(bytes));
    REQUIRE(p != nullptr);
    std::memset(p, 1, bytes);
    const long faults = minor_faults() - before;
    std::free(p);
    return faults;
}

} // namespace

TEST_CASE("A freed 24 MB buffer is reused without faulting its pages back in") {
    if (std::getenv("MALLOC_MMAP_THRESHOLD_") || std::getenv("MALLOC_TRIM_THRESHOLD_") || std::getenv("GLIBC_TUNABLES"))
        return;  // the user's own glibc settings win; nothing of ours to check
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    return;  // the sanitizer replaces glibc's malloc, whose settings this checks
#endif
    const std::size_t bytes = 24u << 20;  // a conv layer's worth of columns; 6,144 pages
    faults_of_one_round(bytes);           // the first round faults its pages in
    const long second = faults_of_one_round(bytes);
    const long third = faults_of_one_round(bytes);
    INFO("page faults of later rounds: " << second << ", " << third);
    CHECK(second < 600);  // glibc's defaults give back the memory and fault ~6,000 pages every round
    CHECK(third < 600);
}
