#pragma once
// The error every reader throws for a file it cannot use (datasets, model and checkpoint files, histories,
// a model's metadata): the message names the file and the place in it (a header field, a row and column, a
// byte offset) and what is wrong there.
#include <stdexcept>

namespace aegrad::data {

class DataError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace aegrad::data
