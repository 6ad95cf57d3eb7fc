#include <aegrad/data/csv.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>

#include <csv.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <aegrad/data/atomic_file.hpp>

namespace aegrad::data {

namespace {
enum class Cell { number, not_a_number, empty, not_finite, out_of_range };

Cell parse_number(const std::string& text, double& value) {
    if (text.empty())
        return Cell::empty;
    const char* begin = text.data() + (text[0] == '+' ? 1 : 0);
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec == std::errc::result_out_of_range)
        return Cell::out_of_range;
    if (ec != std::errc() || ptr != end)
        return Cell::not_a_number;
    if (!std::isfinite(value))
        return Cell::not_finite;
    if (std::fabs(value) > std::numeric_limits<float>::max())
        return Cell::out_of_range;
    return Cell::number;
}

// libcsv calls back once per cell and once per row end; rows are checked as they end. The callbacks must
// not throw through C code, so the first error is kept and reported once parsing returns.
struct Reader {
    std::string path;
    CsvOptions options;
    std::size_t line = 0;  // the line being fed to the parser
    std::vector<std::string> row;
    bool first_row = true, header = false;
    std::size_t width = 0, label = std::numeric_limits<std::size_t>::max();
    std::vector<std::string> names;
    std::vector<float> values;
    std::vector<std::string> label_cells;
    std::vector<std::size_t> label_lines;
    std::string error;

    void fail(const std::string& what) {
        if (error.empty())
            error = fmt::format("{}: line {}, {}", path, line, what);
    }
    std::string column_name(std::size_t c) const {
        return c < names.size() && header ? fmt::format("column '{}'", names[c]) : fmt::format("column {}", c);
    }

    void end_row() {
        if (!error.empty())
            return;
        if (first_row) {
            first_row = false;
            start(row);
            if (header) {
                row.clear();
                return;
            }
        }
        if (row.size() != width)
            return fail(fmt::format("{} cells where the first row has {}", row.size(), width));
        for (std::size_t c = 0; c < row.size(); ++c) {
            if (c == label) {
                label_cells.push_back(row[c]);
                label_lines.push_back(line);
                continue;
            }
            double v = 0;
            switch (parse_number(row[c], v)) {
            case Cell::number: values.push_back(static_cast<float>(v)); break;
            case Cell::empty: return fail(fmt::format("{}: the cell is empty", column_name(c)));
            case Cell::not_finite: return fail(fmt::format("{}: '{}' is not a finite number", column_name(c), row[c]));
            case Cell::out_of_range:
                return fail(fmt::format("{}: '{}' is beyond float's range", column_name(c), row[c]));
            case Cell::not_a_number: return fail(fmt::format("{}: '{}' is not a number", column_name(c), row[c]));
            }
        }
        row.clear();
    }

    // The first row: its width, whether it is a header, and which column holds the labels.
    void start(const std::vector<std::string>& first) {
        width = first.size();
        const std::string& want = options.label_column();
        const bool by_index = !want.empty() && std::all_of(want.begin(), want.end(), ::isdigit);
        if (by_index) {
            label = std::stoul(want);
            if (label >= width)
                return fail(fmt::format("label column {} asked for, but the rows have {} cells (0-based)", label, width));
        }
        if (options.header())
            header = *options.header();
        else if (!want.empty() && !by_index)
            header = true;  // a column name needs a header
        else
            for (std::size_t c = 0; c < width; ++c) {
                double v = 0;
                if (c != label && parse_number(first[c], v) != Cell::number)
                    header = true;
            }
        if (header)
            names = first;
        if (!want.empty() && !by_index) {
            const auto at = std::find(names.begin(), names.end(), want);
            if (at == names.end())
                return fail(fmt::format("no column named '{}' in the header", want));
            label = static_cast<std::size_t>(at - names.begin());
        }
    }
};

void on_cell(void* text, std::size_t length, void* data) {
    auto& r = *static_cast<Reader*>(data);
    r.row.emplace_back(text ? static_cast<const char*>(text) : "", text ? length : 0);
}
void on_row_end(int, void* data) { static_cast<Reader*>(data)->end_row(); }

[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw DataError(fmt::format("{}: {}", path, what));
}
} // namespace

Table read_csv(const std::string& path, const CsvOptions& options) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        fail(path, "cannot open (missing or unreadable)");
    csv_parser parser;
    if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        fail(path, "cannot start the CSV parser");
    csv_set_delim(&parser, static_cast<unsigned char>(options.delimiter()));
    Reader r{path, options};
    // Fed a line at a time, so an error names the line it is on.
    for (std::string text; r.error.empty() && std::getline(in, text);) {
        ++r.line;
        if (r.line <= options.skip_lines())
            continue;
        if (r.line == 1 && text.rfind("\xEF\xBB\xBF", 0) == 0)  // the UTF-8 byte-order mark spreadsheets write
            text.erase(0, 3);
        text += '\n';
        if (csv_parse(&parser, text.data(), text.size(), on_cell, on_row_end, &r) != text.size()) {
            r.fail(fmt::format("malformed CSV ({}): a stray or unclosed quote", csv_strerror(csv_error(&parser))));
            break;
        }
    }
    if (r.error.empty() && csv_fini(&parser, on_cell, on_row_end, &r) != 0)
        r.fail("malformed CSV: the file ends inside a quoted cell");
    csv_free(&parser);
    if (!r.error.empty())
        throw DataError(r.error);
    if (in.bad())
        fail(path, "read error");
    const std::size_t features = r.width - (r.label < r.width ? 1 : 0);
    const std::size_t rows = features ? r.values.size() / features : r.label_cells.size();
    if (r.first_row || rows == 0)
        fail(path, r.first_row ? "empty: no rows" : "a header but no data rows");
    if (features == 0)
        fail(path, "no feature columns besides the labels");

    Table table;
    table.values = Array<float>::from_shape({rows, features});
    std::copy(r.values.begin(), r.values.end(), table.values.data());
    for (std::size_t c = 0; c < r.width; ++c)
        if (c != r.label)
            table.columns.push_back(r.header ? r.names[c] : fmt::format("column {}", c));
    if (r.label < r.width) {
        // Integer labels as they are; any other text names a class, numbered in sorted order.
        bool integers = true;
        for (const auto& cell : r.label_cells) {
            double v = 0;
            integers = integers && parse_number(cell, v) == Cell::number && v == std::floor(v) &&
                       std::fabs(v) <= std::numeric_limits<int>::max();
        }
        for (std::size_t i = 0; i < r.label_cells.size(); ++i) {
            if (r.label_cells[i].empty())
                throw DataError(fmt::format("{}: line {}, the label cell is empty", path, r.label_lines[i]));
            if (integers)
                table.labels.push_back(static_cast<int>(std::stod(r.label_cells[i])));
        }
        if (!integers) {
            std::map<std::string, int> index;
            for (const auto& cell : r.label_cells)
                index.emplace(cell, 0);
            int k = 0;
            for (auto& [name, i] : index) {
                i = k++;
                table.classes.push_back(name);
            }
            for (const auto& cell : r.label_cells)
                table.labels.push_back(index.at(cell));
        }
    }
    return table;
}

void write_csv(const std::string& path, const std::vector<std::string>& header,
               const std::vector<std::vector<double>>& columns) {
    if (header.size() != columns.size())
        throw std::invalid_argument(fmt::format("write_csv {}: {} names for {} columns", path, header.size(), columns.size()));
    const std::size_t rows = columns.empty() ? 0 : columns[0].size();
    for (const auto& c : columns)
        if (c.size() != rows)
            throw std::invalid_argument(fmt::format("write_csv {}: columns of {} and {} rows", path, rows, c.size()));
    write_file_atomically(path, [&](std::ostream& out) {
        out << fmt::format("{}\n", fmt::join(header, ","));
        std::string line;
        for (std::size_t r = 0; r < rows; ++r) {
            line.clear();
            for (std::size_t c = 0; c < columns.size(); ++c)
                line += fmt::format(c ? ",{:.9g}" : "{:.9g}", columns[c][r]);
            out << line << '\n';
        }
    });
}

} // namespace aegrad::data
