#pragma once
// The error every dataset reader throws for a file it cannot use: the message names the file and the place
// in it (a header field, a row and column, a byte offset) and what is wrong there.
#include <stdexcept>

namespace aegrad::data {

class DataError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace aegrad::data
