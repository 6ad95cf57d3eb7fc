#include <aegrad/autograd/name_scope.hpp>

namespace aegrad {

namespace {
thread_local std::shared_ptr<const std::string> scope;
}

NameScope::NameScope(const std::string& name) : previous_(scope) {
    scope = std::make_shared<const std::string>(previous_ ? *previous_ + "." + name : name);
}

NameScope::~NameScope() { scope = std::move(previous_); }

const std::shared_ptr<const std::string>& current_scope() { return scope; }

} // namespace aegrad
