#include <aegrad/autograd/errors.hpp>

#include <fmt/format.h>

namespace aegrad {

std::string shape_str(const Shape& shape) { return fmt::format("[{}]", fmt::join(shape, ", ")); }

void throw_shapes(const std::string& op, const std::string& what, const Shape& a, const Shape& b) {
    throw ShapeError(fmt::format("{}: {} {} and {}", op, what, shape_str(a), shape_str(b)));
}

} // namespace aegrad
