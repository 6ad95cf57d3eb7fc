#pragma once
// Error messages that name the op and the shapes involved, so a user can find the line at fault.
#include <stdexcept>
#include <string>

#include <xtensor/xstorage.hpp>

namespace aegrad {

/// The shape type of every tensor: a small vector of extents, e.g. {256, 784}.
using Shape = xt::svector<std::size_t, 4>;

/// "[256, 784]"
std::string shape_str(const Shape& shape);

/// Thrown for inputs an op cannot take; the message starts with the op's name.
class ShapeError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// Throws ShapeError("<op>: <what> [a..] and [b..]").
[[noreturn]] void throw_shapes(const std::string& op, const std::string& what, const Shape& a, const Shape& b);

} // namespace aegrad
