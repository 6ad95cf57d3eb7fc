// CSV tables: values, header detection, label columns by name or index, class names; each bad cell or row
// an error naming the file, the line and the column.
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <fmt/format.h>

#include <aegrad/data/csv.hpp>
#include "helpers.hpp"

using namespace aegrad;
using namespace aegrad::data;
namespace fs = std::filesystem;

namespace {
std::string write(const std::string& name, const std::string& text) {
    const auto path = (fs::temp_directory_path() / fmt::format("aegrad_csv_{}_{}", getpid(), name)).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

std::string error_of(const std::string& path, const CsvOptions& options = CsvOptions()) {
    try {
        read_csv(path, options);
    } catch (const DataError& e) {
        return e.what();
    }
    return "no error";
}
} // namespace

TEST_CASE("A headed CSV reads as its values, the header naming the columns, the label column left out") {
    const auto path = write("iris.csv", "sepal_length,sepal_width,species\n"
                                        "5.1, 3.5 ,setosa\r\n"
                                        "\n"
                                        "6.2,\"2.9\",virginica\n"
                                        "+5.9,-3.0e0,versicolor\n");
    const Table t = read_csv(path, CsvOptions().label_column("species"));
    CHECK(t.columns == std::vector<std::string>{"sepal_length", "sepal_width"});
    REQUIRE(t.values.shape() == Shape{3, 2});
    CHECK(t.values(0, 1) == 3.5f);  // spaces around a cell are not part of it
    CHECK(t.values(1, 1) == 2.9f);  // a quoted number is a number
    CHECK(t.values(2, 0) == 5.9f);
    CHECK(t.values(2, 1) == -3.0f);
    CHECK(t.classes == std::vector<std::string>{"setosa", "versicolor", "virginica"});  // sorted
    CHECK(t.labels == std::vector<int>{0, 2, 1});
    fs::remove(path);
}

TEST_CASE("Without a header the columns are numbered; a label column by index keeps integer labels") {
    const auto path = write("plain.csv", "1,0.5,7\n2,0.25,3\n");
    const Table t = read_csv(path, CsvOptions().label_column("0"));
    CHECK(t.columns == std::vector<std::string>{"column 1", "column 2"});
    CHECK(t.labels == std::vector<int>{1, 2});
    CHECK(t.classes.empty());
    CHECK(t.values(1, 1) == 3.0f);
    // Declared: the first row is data even when detection would say otherwise, and the other way round.
    CHECK(read_csv(path, CsvOptions().header(true)).values.shape() == Shape{1, 3});
    const auto named = write("named.csv", "10,20\n1,2\n");
    CHECK(read_csv(named).values.shape() == Shape{2, 2});
    CHECK(read_csv(named, CsvOptions().header(true)).columns == std::vector<std::string>{"10", "20"});
    // A UTF-8 byte-order mark before the header is not part of the first name.
    const auto bom = write("bom.csv", "\xEF\xBB\xBFx,y\n1,2\n");
    CHECK(read_csv(bom).columns == std::vector<std::string>{"x", "y"});
    // A preamble line before the data, as scikit-learn's CSV files have (their row and column counts).
    const auto preamble = write("preamble.csv", "3,2,yes,no\n1,2,0\n3,4,1\n5,6,1\n");
    const Table skipped = read_csv(preamble, CsvOptions().skip_lines(1).label_column("2"));
    CHECK(skipped.values.shape() == Shape{3, 2});
    CHECK(skipped.labels == std::vector<int>{0, 1, 1});
    CHECK_THROWS_WITH_AS(read_csv(preamble), doctest::Contains("line 2, 3 cells where the first row has 4"), DataError);
    for (const auto& p : {path, named, bom, preamble})
        fs::remove(p);
}

TEST_CASE("Each bad cell, row or option is one error naming the file, the line and the column") {
    const std::vector<std::tuple<std::string, CsvOptions, std::string>> cases = {
        {"a,b\n1,2\n3,x\n", CsvOptions(), "line 3, column 'b': 'x' is not a number"},
        {"a,b\n1,2\n3,\n", CsvOptions(), "line 3, column 'b': the cell is empty"},
        {"a,b\n1,2\n3,4,5\n", CsvOptions(), "line 3, 3 cells where the first row has 2"},
        {"a,b\n1,2\n3\n", CsvOptions(), "line 3, 1 cells where the first row has 2"},
        {"a,b\nnan,2\n", CsvOptions(), "line 2, column 'a': 'nan' is not a finite number"},
        {"1,2\n-inf,2\n", CsvOptions(), "line 2, column 0: '-inf' is not a finite number"},
        {"a,b\n1e39,2\n", CsvOptions(), "'1e39' is beyond float's range"},
        {"a,b\n1,\"2\n", CsvOptions(), "ends inside a quoted cell"},
        {"a,b\n1,2\"x\n", CsvOptions(), "stray or unclosed quote"},
        {"a,b\n1,2\n", CsvOptions().label_column("c"), "no column named 'c'"},
        {"1,2\n", CsvOptions().label_column("5"), "label column 5 asked for"},
        {"a,b\n", CsvOptions(), "a header but no data rows"},
        {"", CsvOptions(), "empty: no rows"},
        {"a\n1\n", CsvOptions().label_column("a"), "no feature columns"},
        {"a,y\n1,cat\n2,\n", CsvOptions().label_column("y"), "line 3, the label cell is empty"},
    };
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& [text, options, expected] = cases[i];
        CAPTURE(text);
        const auto path = write(fmt::format("bad{}.csv", i), text);
        const std::string message = error_of(path, options);
        CHECK(message.find(path) == 0);
        CHECK_MESSAGE(message.find(expected) != std::string::npos, message);
        fs::remove(path);
    }
    CHECK(error_of("/nonexistent/x.csv").find("cannot open") != std::string::npos);
}

TEST_CASE("A written table reads back as the same numbers under its header") {
    const auto path = (fs::temp_directory_path() / fmt::format("aegrad_csv_{}_out.csv", getpid())).string();
    write_csv(path, {"index", "score"}, {{0, 1, 2}, {0.1f, 1e-12, -3.5e7}});
    const Table t = read_csv(path);
    CHECK(t.columns == std::vector<std::string>{"index", "score"});
    REQUIRE(t.values.shape() == Shape{3, 2});
    CHECK(t.values(1, 1) == 1e-12f);
    CHECK(t.values(2, 1) == -3.5e7f);
    CHECK(t.values(0, 1) == 0.1f);
    CHECK_THROWS_AS(write_csv(path, {"a"}, {{1}, {2}}), std::invalid_argument);
    CHECK_THROWS_AS(write_csv(path, {"a", "b"}, {{1}, {2, 3}}), std::invalid_argument);
    CHECK_THROWS_AS(write_csv("/nonexistent/dir/x.csv", {"a"}, {{1}}), std::runtime_error);
    fs::remove(path);
}
