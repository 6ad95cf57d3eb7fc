// Neighbour agreement on points whose neighbours can be listed by hand.
#include <aegrad/models/neighbour_agreement.hpp>
#include "helpers.hpp"

using namespace aegrad;

TEST_CASE("Neighbour agreement counts, per class, the share of each point's nearest others with its label") {
    // On a line: A A A B at 0, 1, 2, 10 and B B at 11, 12. With k = 2:
    //   0: 1, 2 (A A) 1.0   1: 0, 2 (A A) 1.0   2: 1, 0 (A A) 1.0
    //   10: 11, 12 (B B) 1.0   11: 10, 12 (B B) 1.0   12: 11, 10 (B B) 1.0
    // and with the A at 2 moved to 9.5: 0: 1, 9.5 (A A); 1: 0, 9.5 (A A); 9.5: 10, 11 (B B) 0.0.
    Array<double> x = Array<double>::from_shape({6, 1});
    const double at[6] = {0, 1, 2, 10, 11, 12};
    for (std::size_t i = 0; i < 6; ++i)
        x(i, 0) = at[i];
    const std::vector<int> labels{0, 0, 0, 1, 1, 1};
    auto a = models::neighbour_agreement(x, labels, 2);
    CHECK(a[0] == 1.0);
    CHECK(a[1] == 1.0);
    x(2, 0) = 9.5;
    a = models::neighbour_agreement(x, labels, 2);
    CHECK(a[0] == doctest::Approx(2.0 / 3));  // (1 + 1 + 0) / 3
    // B's: 10 -> 9.5 (A), 11 (B): 0.5; 11 -> 10, 12: 1; 12 -> 11, 10: 1
    CHECK(a[1] == doctest::Approx(2.5 / 3));
    CHECK_THROWS_AS(models::neighbour_agreement(x, labels, 6), std::invalid_argument);
    CHECK_THROWS_AS(models::neighbour_agreement(x, {0, 1}, 1), std::invalid_argument);
}
