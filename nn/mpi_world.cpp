// The world over MPI: the only file that includes mpi.h. Every collective runs on a duplicate of
// MPI_COMM_WORLD, and failures are agreed on another, so an error's barrier never matches a sum.
#include <aegrad/nn/distributed.hpp>

#include <chrono>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <mpi.h>

namespace aegrad::nn::distributed {

namespace {
struct World {
    bool running = false;
    int rank = 0, size = 1;
    MPI_Comm work = MPI_COMM_NULL, failures = MPI_COMM_NULL;
};

World& world() {
    static World w;
    return w;
}

// Open MPI's mpirun, MPICH's hydra and Slurm's srun each tell their processes where they are.
bool launched_by_mpi() {
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE", "PMI_RANK"})
        if (std::getenv(name))
            return true;
    return false;
}

void check(int status, const char* call) {
    if (status != MPI_SUCCESS) {
        char text[MPI_MAX_ERROR_STRING];
        int length = 0;
        MPI_Error_string(status, text, &length);
        throw std::runtime_error(fmt::format("{} failed: {}", call, std::string(text, static_cast<std::size_t>(length))));
    }
}

int count_of(std::size_t n) {
    if (n > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        throw std::length_error(fmt::format("an MPI message of {} values is longer than MPI's int counts", n));
    return static_cast<int>(n);
}
} // namespace

Session::Session(int& argc, char**& argv) {
    if (!launched_by_mpi())
        return;
    int provided = 0;
    // Funneled: only the thread that runs the training loop calls MPI; aegrad's workers never do.
    check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    World& w = world();
    w.running = true;
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    check(MPI_Comm_dup(MPI_COMM_WORLD, &w.work), "MPI_Comm_dup");
    check(MPI_Comm_dup(MPI_COMM_WORLD, &w.failures), "MPI_Comm_dup");
    MPI_Comm_rank(w.work, &w.rank);
    MPI_Comm_size(w.work, &w.size);
}

Session::~Session() {
    World& w = world();
    if (!w.running)
        return;
    MPI_Comm_free(&w.work);
    MPI_Comm_free(&w.failures);
    MPI_Finalize();
    w = World();
}

bool built_with_mpi() { return true; }
int rank() { return world().rank; }
int size() { return world().size; }

void broadcast(float* data, std::size_t n) {
    if (size() > 1)
        check(MPI_Bcast(data, count_of(n), MPI_FLOAT, 0, world().work), "MPI_Bcast");
}

void broadcast(std::string& text, int from) {
    if (size() == 1)
        return;
    unsigned long long length = text.size();
    check(MPI_Bcast(&length, 1, MPI_UNSIGNED_LONG_LONG, from, world().work), "MPI_Bcast");
    text.resize(length);
    check(MPI_Bcast(text.data(), count_of(length), MPI_CHAR, from, world().work), "MPI_Bcast");
}

void allreduce_sum(double* data, std::size_t n) {
    if (size() > 1)
        check(MPI_Allreduce(MPI_IN_PLACE, data, count_of(n), MPI_DOUBLE, MPI_SUM, world().work), "MPI_Allreduce");
}

void allreduce_max(double* data, std::size_t n) {
    if (size() > 1)
        check(MPI_Allreduce(MPI_IN_PLACE, data, count_of(n), MPI_DOUBLE, MPI_MAX, world().work), "MPI_Allreduce");
}

std::vector<std::string> gather(const std::string& text) {
    if (size() == 1)
        return {text};
    const World& w = world();
    int length = count_of(text.size());
    std::vector<int> lengths(is_root() ? static_cast<std::size_t>(w.size) : 0);
    check(MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, w.work), "MPI_Gather");
    std::vector<int> offsets(lengths.size());
    std::size_t total = 0;
    for (std::size_t r = 0; r < lengths.size(); ++r) {
        offsets[r] = count_of(total);
        total += static_cast<std::size_t>(lengths[r]);
    }
    std::string all(total, '\0');
    check(MPI_Gatherv(text.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR, 0, w.work),
          "MPI_Gatherv");
    std::vector<std::string> texts;
    for (std::size_t r = 0; r < lengths.size(); ++r)
        texts.push_back(all.substr(static_cast<std::size_t>(offsets[r]), static_cast<std::size_t>(lengths[r])));
    return texts;
}

struct PendingSum::State {
    MPI_Request request = MPI_REQUEST_NULL;
};

PendingSum::PendingSum() = default;
PendingSum::PendingSum(PendingSum&&) noexcept = default;
PendingSum& PendingSum::operator=(PendingSum&&) noexcept = default;
PendingSum::~PendingSum() = default;  // abandoned in flight: freeing a collective's request is not allowed

bool PendingSum::test() {
    if (!state_ || state_->request == MPI_REQUEST_NULL)
        return true;
    int done = 0;
    check(MPI_Test(&state_->request, &done, MPI_STATUS_IGNORE), "MPI_Test");
    return done != 0;
}

void PendingSum::wait() {
    if (state_ && state_->request != MPI_REQUEST_NULL)
        check(MPI_Wait(&state_->request, MPI_STATUS_IGNORE), "MPI_Wait");
}

PendingSum start_allreduce_sum(float* data, std::size_t n) {
    PendingSum pending;
    if (size() == 1)
        return pending;
    pending.state_ = std::make_unique<PendingSum::State>();
    check(MPI_Iallreduce(MPI_IN_PLACE, data, count_of(n), MPI_FLOAT, MPI_SUM, world().work, &pending.state_->request),
          "MPI_Iallreduce");
    return pending;
}

bool all_failed(double seconds) {
    if (size() == 1)
        return true;
    MPI_Request request = MPI_REQUEST_NULL;
    if (MPI_Ibarrier(world().failures, &request) != MPI_SUCCESS)
        return false;
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    int done = 0;
    while (MPI_Test(&request, &done, MPI_STATUS_IGNORE) == MPI_SUCCESS && !done &&
           std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return done != 0;
}

void abort_all(int code) {
    if (world().running)
        MPI_Abort(MPI_COMM_WORLD, code);
    std::_Exit(code);  // MPI_Abort does not return
}

} // namespace aegrad::nn::distributed
