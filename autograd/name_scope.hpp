#pragma once
// Names for the ops a module creates. While a NameScope is alive, every recorded op output remembers the
// scope path ("decoder.1"), so gradient attribution and graph exports can say which layer read what.
#include <memory>
#include <string>

namespace aegrad {

class NameScope {
public:
    /// Enters `name` below the current scope: NameScope("decoder") then NameScope("1") gives "decoder.1".
    explicit NameScope(const std::string& name);
    ~NameScope();
    NameScope(const NameScope&) = delete;
    NameScope& operator=(const NameScope&) = delete;

private:
    std::shared_ptr<const std::string> previous_;
};

/// The current scope path on this thread, or null outside any scope. Nodes share the string.
const std::shared_ptr<const std::string>& current_scope();

} // namespace aegrad
