#include <aegrad/autograd/detail/parallel.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <aegrad/autograd/blas_runtime.hpp>

namespace aegrad {

namespace detail {
namespace {

// Spin iterations (a pause instruction each) before a thread blocks: a training step hands out dozens of
// small jobs, and waking a blocked thread costs more than a short spin.
constexpr int kSpinIterations = 2000;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

// Spins until done() or the spin budget runs out; returns done().
template <class Done> bool spin_until(Done&& done) {
    for (int i = 0; i < kSpinIterations; ++i) {
        if (done())
            return true;
        cpu_relax();
    }
    return done();
}

// Workers spin briefly after a job, then sleep on a condition variable: a worker that spun for long
// would steal its core from whatever runs next (OpenBLAS's threads, another process).
class WorkerPool {
public:
    ~WorkerPool() { resize(0); }

    void resize(std::size_t workers) {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        wake_.notify_all();
        for (auto& t : threads_)
            t.join();
        threads_.clear();
        stop_ = false;
        // New workers wait for the next job, not the last one.
        for (std::size_t i = 0; i < workers; ++i)
            threads_.emplace_back([this, i, seen = generation_.load()] { work(i + 1, seen); });
    }
    std::size_t size() const { return threads_.size(); }

    // Runs part(0) on the caller and part(1..parts-1) on workers; parts <= size() + 1.
    void run(std::size_t parts, const std::function<void(std::size_t)>& part) {
        {
            std::lock_guard lock(mutex_);
            job_ = &part;
            parts_ = parts;
            remaining_ = parts - 1;
            error_ = nullptr;
            ++generation_;
        }
        wake_.notify_all();
        std::exception_ptr mine;
        try {
            part(0);
        } catch (...) {
            mine = std::current_exception();
        }
        spin_until([this] { return remaining_.load(std::memory_order_acquire) == 0; });
        std::unique_lock lock(mutex_);
        done_.wait(lock, [this] { return remaining_ == 0; });
        job_ = nullptr;
        if (mine)
            std::rethrow_exception(mine);
        if (error_)
            std::rethrow_exception(error_);
    }

private:
    void work(std::size_t index, std::size_t seen) {
        std::unique_lock lock(mutex_);
        for (;;) {
            lock.unlock();
            spin_until([&] { return generation_.load(std::memory_order_acquire) != seen || stop_.load(); });
            lock.lock();
            wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
            if (stop_)
                return;
            seen = generation_;
            if (index >= parts_)
                continue;
            const auto* job = job_;
            lock.unlock();
            std::exception_ptr error;
            try {
                (*job)(index);
            } catch (...) {
                error = std::current_exception();
            }
            lock.lock();
            if (error && !error_)
                error_ = error;
            if (--remaining_ == 0)
                done_.notify_one();
        }
    }

    std::vector<std::thread> threads_;
    std::mutex mutex_;
    std::condition_variable wake_, done_;
    const std::function<void(std::size_t)>* job_ = nullptr;
    std::size_t parts_ = 0;
    // Changed only under mutex_ (so the condition variables work); atomic so spinning threads can read them.
    std::atomic<std::size_t> remaining_{0}, generation_{0};
    std::atomic<bool> stop_{false};
    std::exception_ptr error_;
};

int initial_threads() {
    if (const char* env = std::getenv("AEGRAD_NUM_THREADS"); env && std::atoi(env) > 0)
        return std::atoi(env);
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

thread_local bool inside_parallel_region = false;

// The pool has one job slot, so one application thread uses it at a time: `owner` is held for a whole job
// and while the pool is resized.
struct Threads {
    Threads() { set(initial_threads()); }
    void set(int n) {
        if (inside_parallel_region)
            throw std::logic_error("set_num_threads: called from inside parallel work; call it between jobs");
        std::lock_guard lock(owner);
        count = std::max(1, n);
        pool.resize(static_cast<std::size_t>(count - 1));
        set_blas_threads(1);
    }
    std::atomic<int> count{1};
    std::mutex owner;
    WorkerPool pool;
};

Threads& threads() {
    static Threads t;
    return t;
}

} // namespace


std::size_t parallel_parts(std::size_t n, std::size_t grain) {
    if (inside_parallel_region)
        return 1;
    const std::size_t max_parts = std::max<std::size_t>(1, n / std::max<std::size_t>(1, grain));
    return std::min<std::size_t>(static_cast<std::size_t>(num_threads()), max_parts);
}

void parallel_for(std::size_t n, const std::function<void(std::size_t, std::size_t)>& fn, std::size_t grain) {
    if (n == 0)
        return;
    if (parallel_parts(n, grain) <= 1) {
        fn(0, n);
        return;
    }
    // Another application thread has the pool: this job runs on its caller alone rather than wait for it.
    std::unique_lock owner(threads().owner, std::try_to_lock);
    const std::size_t parts = owner.owns_lock() ? parallel_parts(n, grain) : 1;
    if (parts <= 1) {
        fn(0, n);
        return;
    }
    threads().pool.run(parts, [&](std::size_t p) {
        inside_parallel_region = true;
        const std::size_t begin = n * p / parts, end = n * (p + 1) / parts;
        try {
            if (begin < end)
                fn(begin, end);
        } catch (...) {
            inside_parallel_region = false;
            throw;
        }
        inside_parallel_region = false;
    });
}

} // namespace detail

void set_num_threads(int n) { detail::threads().set(n); }
int num_threads() { return detail::threads().count; }

} // namespace aegrad
