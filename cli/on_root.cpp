#include "on_root.hpp"

#include <stdexcept>
#include <string>

#include <aegrad/nn/distributed.hpp>
#include "commands.hpp"

namespace aegrad::cli {

void on_root(const std::function<void()>& fn) {
    namespace dist = nn::distributed;
    if (dist::size() == 1)
        return fn();
    std::string outcome;  // "" done, "2:..." a usage error, "1:..." a failure
    if (dist::is_root()) {
        try {
            fn();
        } catch (const UsageError& e) {
            outcome = std::string("2:") + e.what();
        } catch (const std::exception& e) {
            outcome = std::string("1:") + e.what();
        }
    }
    dist::broadcast(outcome);
    if (outcome.empty())
        return;
    if (outcome[0] == '2')
        throw UsageError(outcome.substr(2));
    throw std::runtime_error(outcome.substr(2));
}

} // namespace aegrad::cli
