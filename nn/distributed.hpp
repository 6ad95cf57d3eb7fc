#pragma once
// The processes of a data-parallel run, and what they say to each other. Under an MPI launcher (mpirun)
// in a build with MPI, they are MPI's world; otherwise the world is this one process, where every
// collective below returns at once with its input as its result. Only nn/mpi_world.cpp knows of MPI.
//
// A collective must be called by every rank, in the same order, with the same sizes.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace aegrad::nn::distributed {

/// Starts the world, for main(): MPI when this process was started by an MPI launcher, nothing otherwise;
/// ends it when destroyed. One per process, before any other call below (without one, the world is one
/// process).
class Session {
public:
    Session(int& argc, char**& argv);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
};

/// Whether this build can run over MPI (meson's -Dmpi found Open MPI).
bool built_with_mpi();
/// This process's rank, 0 .. size() - 1.
int rank();
/// How many processes the world has; 1 without a launcher.
int size();
inline bool is_root() { return rank() == 0; }

/// Root's `n` values, on every rank.
void broadcast(float* data, std::size_t n);
/// Rank `from`'s text, on every rank.
void broadcast(std::string& text, int from = 0);
/// The elementwise sum, and maximum, over ranks, in place.
void allreduce_sum(double* data, std::size_t n);
void allreduce_max(double* data, std::size_t n);
/// Whether every rank passed the same `value` (collective): a check that the ranks see the same files.
inline bool same_on_every_rank(double value) {
    double extremes[2] = {value, -value};
    allreduce_max(extremes, 2);
    return extremes[0] == -extremes[1];
}
/// Every rank's text, by rank, on root; an empty vector on the others.
std::vector<std::string> gather(const std::string& text);

/// A sum over ranks in flight (start_allreduce_sum): the buffer must stay alive and untouched until
/// wait() returns. Destroying one in flight abandons it (an error is unwinding, and the job is ending):
/// its buffer must then be left alive, since MPI may still write to it.
class PendingSum {
public:
    PendingSum();
    PendingSum(PendingSum&&) noexcept;
    PendingSum& operator=(PendingSum&&) noexcept;
    ~PendingSum();
    /// Lets the sum make progress, without blocking; true once it is done.
    bool test();
    /// Blocks until the sum is in the buffer.
    void wait();

    struct State;  // the request, in the .cpp that knows MPI

private:
    friend PendingSum start_allreduce_sum(float* data, std::size_t n);
    std::unique_ptr<State> state_;
};

/// Starts summing `n` floats over ranks, in place.
PendingSum start_allreduce_sum(float* data, std::size_t n);

/// After an error on this rank: waits up to `seconds` for every other rank to report an error too (a
/// usage error or a diverged run is seen by all at once). True if they all did, so each can exit
/// cleanly; false if not: the others are waiting in a collective that will never finish, and the job
/// must be ended with abort_all(). True at once in a world of one.
bool all_failed(double seconds = 10);
/// Ends every rank of the job with `code` (MPI_Abort); in a world of one, this process.
[[noreturn]] void abort_all(int code);

} // namespace aegrad::nn::distributed
