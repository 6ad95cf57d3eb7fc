#pragma once
// NumPy's .npz archives: a ZIP file of .npy members, stored (numpy.savez) or deflated
// (numpy.savez_compressed). Keras ships MNIST this way, as x_train, y_train, x_test and y_test.
#include <string>
#include <utility>
#include <vector>

#include <aegrad/data/data_error.hpp>

namespace aegrad::data {

/// Every member of `path` in archive order, by its array name ("x_train" for x_train.npy) with its .npy bytes
/// (data::read_npy reads them). Throws DataError naming the file, and the member where one is at fault, for
/// anything that is not such an archive: no end record, a member that is not .npy, a compression other than
/// stored or deflate, sizes that run past the file, data that does not inflate to the size it states, a
/// CRC that does not match.
std::vector<std::pair<std::string, std::string>> read_npz(const std::string& path);

} // namespace aegrad::data
