#pragma once
// Numeric tables from CSV files: every cell a number, except an optional header row naming the columns and
// an optional label column (integers, or class names). The tokenising (RFC 4180 quotes, CRLF line ends,
// spaces around cells) is Debian's libcsv; what a cell must hold is checked here, strictly: an empty or
// non-numeric cell, a NaN or infinity, or a row of another length is an error naming the line and column.
#include <optional>
#include <string>
#include <vector>

#include <aegrad/autograd/array.hpp>
#include <aegrad/autograd/options.hpp>
#include <aegrad/data/data_error.hpp>

namespace aegrad::data {

struct CsvOptions {
    /// Whether the first row names the columns; unset, it does when one of its cells (outside the label
    /// column) is not a number.
    AEGRAD_OPTION(std::optional<bool>, header, std::nullopt)
    /// The label column: a header name, or a 0-based column index; empty for none.
    AEGRAD_OPTION(std::string, label_column, "")
    AEGRAD_OPTION(char, delimiter, ',')
    /// Lines to skip before the header (or the first data row): a preamble such as scikit-learn's counts line.
    AEGRAD_OPTION(std::size_t, skip_lines, 0)
};

struct Table {
    Array<float> values;               // [rows, features], without the label column
    std::vector<std::string> columns;  // the features' names: the header's, or "column N" (0-based)
    std::vector<int> labels;           // one per row when a label column is given, else empty
    /// When the label cells are not all integers: the distinct texts, sorted; labels index into them.
    std::vector<std::string> classes;
};

/// Reads `path`. Throws DataError naming the file, and the line and column (1-based line, the column's
/// name) for a bad cell: "iris.csv: line 7, column 'petal_width': 'n/a' is not a number".
Table read_csv(const std::string& path, const CsvOptions& options = CsvOptions());

/// Writes a header row and then one row per index of the columns (all of one length), numbers with 9
/// significant digits (a float reads back exactly), atomically. Throws std::invalid_argument for columns of different
/// lengths or a header of another width, std::runtime_error naming the file when it cannot be written.
void write_csv(const std::string& path, const std::vector<std::string>& header,
               const std::vector<std::vector<double>>& columns);

} // namespace aegrad::data
