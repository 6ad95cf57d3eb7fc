#include "run_settings.hpp"

#include <filesystem>
#include <fstream>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <aegrad/data/atomic_file.hpp>
#include "commands.hpp"

namespace aegrad::cli {

namespace {
namespace fs = std::filesystem;

void record(const std::string& path, const RunSettings& settings) {
    data::write_file_atomically(path, [&](std::ostream& out) { out << nlohmann::json(settings).dump(2) << "\n"; });
}

RunSettings recorded(const std::string& path) {
    std::ifstream in(path);
    try {
        return nlohmann::json::parse(in).get<RunSettings>();
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(fmt::format("{}: not a settings record ({})", path, e.what()));
    }
}

long as_count(const std::string& text) {
    try {
        return std::stol(text);
    } catch (const std::exception&) {
        return -1;
    }
}
} // namespace

void start_or_resume(const std::string& out, const std::string& folder, const RunSettings& settings, bool resume,
                     bool epochs_may_grow) {
    const std::string file = (fs::path(folder) / "settings.json").string();
    if (!resume) {
        fs::remove_all(folder);  // an older run's checkpoints must not be resumed with these settings
        fs::create_directories(folder);
        record(file, settings);
        data::remove_stale_temporaries(out);
        return;
    }
    if (!fs::exists(file))
        throw UsageError(fmt::format("--resume: nothing to resume in {}: no run was started there (drop --resume to "
                                     "start one)", out));
    const RunSettings before = recorded(file);
    std::vector<std::string> differences;
    for (const auto& [key, value] : settings) {
        const auto it = before.find(key);
        const std::string old = it == before.end() ? "(not recorded)" : it->second;
        if (key == "--epochs") {
            const long now = as_count(value), then = as_count(old);
            if (now < then)
                differences.push_back(fmt::format("--epochs {} (now {}: a run can be extended, not shortened)", old, value));
            else if (now > then && !epochs_may_grow)
                differences.push_back(fmt::format("--epochs {} (now {}: its learning-rate schedule spans the "
                                                  "epochs, so it cannot be extended)", old, value));
        } else if (old != value) {
            differences.push_back(fmt::format("{} {} (now {})", key, old.empty() ? "''" : old, value.empty() ? "''" : value));
        }
    }
    for (const auto& [key, value] : before)
        if (!settings.count(key))
            differences.push_back(fmt::format("{} {} (not set now)", key, value));
    if (!differences.empty())
        throw UsageError(fmt::format("--resume: the run in {} was started with other settings: {}; give the same ones "
                                     "to resume it, or drop --resume to start afresh",
                                     out, fmt::join(differences, "; ")));
    record(file, settings);  // more --epochs, if given
    data::remove_stale_temporaries(folder);
    data::remove_stale_temporaries(out);
}

} // namespace aegrad::cli
