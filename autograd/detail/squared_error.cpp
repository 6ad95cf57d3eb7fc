#include <aegrad/autograd/detail/squared_error.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include <xsimd/xsimd.hpp>

#include <aegrad/autograd/detail/parallel.hpp>

namespace aegrad::detail {

template <class T> T squared_error(const T* p, const T* t, std::size_t size, T slope, T* d) {
    // Written with xsimd: GCC vectorised the plain loop's subtraction but summed the squares one lane at a time.
    using Batch = xsimd::batch<T>;
    constexpr std::size_t kLanes = Batch::size;
    constexpr std::size_t kBlock = 1 << 14;
    const std::size_t blocks = (size + kBlock - 1) / kBlock;
    std::vector<T> block_sums(blocks, T(0));
    parallel_for(blocks, [&](std::size_t b0, std::size_t b1) {
        const Batch scale(slope);
        for (std::size_t blk = b0; blk < b1; ++blk) {
            const std::size_t begin = blk * kBlock, end = std::min(size, begin + kBlock);
            Batch squares(T(0));
            std::size_t i = begin;
            for (; i + kLanes <= end; i += kLanes) {
                const Batch e = Batch::load_unaligned(p + i) - Batch::load_unaligned(t + i);
                if (d)
                    (scale * e).store_unaligned(d + i);
                squares = xsimd::fma(e, e, squares);
            }
            T sum = xsimd::hadd(squares);
            for (; i < end; ++i) {
                const T e = p[i] - t[i];
                if (d)
                    d[i] = slope * e;
                sum = std::fma(e, e, sum);  // explicit, as in the lanes: both copies of this loop (with and
                                            // without d) must round alike, whatever GCC contracts
            }
            block_sums[blk] = sum;
        }
    });
    T total = 0;
    for (T s : block_sums)
        total += s;
    return total;
}

template float squared_error(const float*, const float*, std::size_t, float, float*);
template double squared_error(const double*, const double*, std::size_t, double, double*);

} // namespace aegrad::detail
