#pragma once
// What training records per epoch, and its CSV form.
#include <limits>
#include <string>
#include <vector>

namespace aegrad::nn {

struct EpochRecord {
    std::string phase;  // "" for plain training; "pretrain 1/2", "fine-tune" for layerwise runs
    int epoch = 0;      // 1-based within its phase
    double loss = 0;    // mean training loss over the epoch's samples
    double val_loss = std::numeric_limits<double>::quiet_NaN();  // NaN when there is no validation data
    double seconds = 0;
    double samples_per_s = 0;
    double lr = 0;
    double rss_mb = 0;  // the process's resident memory at the epoch's end: flat across epochs when nothing leaks
    // Tensor buffers the epoch's training steps took from the system rather than from aegrad's buffer pool:
    // 0 once every shape has been seen (autograd/buffer_pool.hpp).
    long new_buffers = 0;
};

/// The process's resident memory now, in MB (from /proc/self/statm; 0 where that is unavailable).
double resident_memory_mb();

struct History {
    std::vector<EpochRecord> epochs;
    /// Columns: phase,epoch,loss,val_loss,seconds,samples_per_s,lr,rss_mb,new_buffers. Written atomically.
    void write_csv(const std::string& path) const;
    /// Reads what write_csv wrote; throws data::DataError naming the file and line otherwise.
    static History read_csv(const std::string& path);
    void append(const History& other) { epochs.insert(epochs.end(), other.epochs.begin(), other.epochs.end()); }
    double total_seconds() const;
};

} // namespace aegrad::nn
