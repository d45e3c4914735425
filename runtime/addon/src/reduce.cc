// Reductions over any set of axes: Sum, Mean, Prod (accumulated in double, as tfjs's JavaScript
// loops do), Max and Min (NaN wins, as in tfjs), ArgMax and ArgMin over one axis. tfjs transposes
// the reduced axes innermost first; here the input is read in place with strides instead, and
// oneDNN's reduction is not used (it is slow for NHWC bias gradients, axes [0, 1, 2]).
#include <algorithm>
#include <initializer_list>
#include <limits>
#include <vector>

#include "elementwise.h"

namespace nnc {
namespace {

// One contiguous row, with eight accumulators so the loop vectorizes.
template <typename R>
typename R::Acc lanesOf(const float* x, int64_t n) {
  typename R::Acc lanes[8];
  for (auto& lane : lanes) lane = R::identity();
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int l = 0; l < 8; l++) lanes[l] = R::add(lanes[l], x[i + l]);
  typename R::Acc acc = R::identity();
  for (const auto lane : lanes) acc = R::combine(acc, lane);
  for (; i < n; i++) acc = R::add(acc, x[i]);
  return acc;
}

// Each reduction: its accumulator, the accumulator of nothing, folding in a value or another
// accumulator, the reduction of one contiguous row, and the final value.
struct SumOf {
  using Acc = double;
  static Acc identity() { return 0.0; }
  static Acc add(Acc acc, float v) { return acc + v; }
  static Acc combine(Acc a, Acc b) { return a + b; }
  static Acc row(const float* x, int64_t n) { return lanesOf<SumOf>(x, n); }
  static float finish(Acc acc, int64_t) { return static_cast<float>(acc); }
};
struct MeanOf : SumOf {
  static float finish(Acc acc, int64_t count) { return static_cast<float>(acc / static_cast<double>(count)); }
};
struct ProdOf {
  using Acc = double;
  static Acc identity() { return 1.0; }
  static Acc add(Acc acc, float v) { return acc * v; }
  static Acc combine(Acc a, Acc b) { return a * b; }
  static Acc row(const float* x, int64_t n) { return lanesOf<ProdOf>(x, n); }
  static float finish(Acc acc, int64_t) { return static_cast<float>(acc); }
};
struct MaxOf {
  using Acc = float;
  static Acc identity() { return -std::numeric_limits<float>::infinity(); }
  static Acc add(Acc acc, float v) { return v != v || v > acc ? v : acc; }
  static Acc row(const float* x, int64_t n) { return extremeOf<true>(x, n); }
  static float finish(Acc acc, int64_t) { return acc; }
};
struct MinOf {
  using Acc = float;
  static Acc identity() { return std::numeric_limits<float>::infinity(); }
  static Acc add(Acc acc, float v) { return v != v || v < acc ? v : acc; }
  static Acc row(const float* x, int64_t n) { return extremeOf<false>(x, n); }
  static float finish(Acc acc, int64_t) { return acc; }
};

// The input's dimensions with size-1 ones dropped and neighbours of the same kind (reduced or
// kept) merged, outermost first.
struct Groups {
  Dims sizes;
  std::vector<bool> reduced;
};

Groups groupsOf(const Dims& shape, const Dims& axes) {
  Groups groups;
  for (size_t d = 0; d < shape.size(); d++) {
    if (shape[d] == 1) continue;
    const bool reduced = std::find(axes.begin(), axes.end(), static_cast<int64_t>(d)) != axes.end();
    if (!groups.sizes.empty() && groups.reduced.back() == reduced) {
      groups.sizes.back() *= shape[d];
    } else {
      groups.sizes.push_back(shape[d]);
      groups.reduced.push_back(reduced);
    }
  }
  return groups;
}

// The common case, one reduced run of dimensions: the input is [outer, count, inner] and the
// output [outer, inner].
struct Run {
  int64_t outer = 1, count = 1, inner = 1;
};

// The run of `groups`, or false when reduced dimensions are interleaved with kept ones.
bool runOf(const Groups& groups, Run& run) {
  size_t reducedGroups = 0;
  for (size_t g = 0; g < groups.sizes.size(); g++) {
    if (groups.reduced[g]) {
      reducedGroups++;
      run.count = groups.sizes[g];
    } else if (reducedGroups == 0) {
      run.outer *= groups.sizes[g];
    } else {
      run.inner *= groups.sizes[g];
    }
  }
  return reducedGroups <= 1;
}

// Columns [from, to) of one [count, inner] slab: the inner loop runs along memory.
template <typename R>
void columnsOf(const float* x, const Run& run, int64_t from, int64_t to, float* out) {
  std::vector<typename R::Acc> acc(to - from, R::identity());
  for (int64_t r = 0; r < run.count; r++) {
    const float* line = x + r * run.inner + from;
    for (int64_t k = 0; k < to - from; k++) acc[k] = R::add(acc[k], line[k]);
  }
  for (int64_t k = 0; k < to - from; k++) out[from + k] = R::finish(acc[k], run.count);
}

template <typename R>
void reduceRun(const float* x, const Run& run, float* out) {
  const int threads = threadsForElements(run.outer * run.count * run.inner, 0.3);
  if (run.inner == 1) {
    forChunks(run.outer, threads, [&](int64_t begin, int64_t end) {
      for (int64_t o = begin; o < end; o++) out[o] = R::finish(R::row(x + o * run.count, run.count), run.count);
    });
  } else if (run.outer > 1) {
    forChunks(run.outer, threads, [&](int64_t begin, int64_t end) {
      for (int64_t o = begin; o < end; o++) columnsOf<R>(x + o * run.count * run.inner, run, 0, run.inner, out + o * run.inner);
    });
  } else {
    forChunks(run.inner, threads, [&](int64_t begin, int64_t end) { columnsOf<R>(x, run, begin, end, out); });
  }
}

// Interleaved reduced and kept dimensions: an odometer over the kept ones for each output, and
// within it one over the reduced ones (in row-major order, the order tfjs sums in).
template <typename R>
void reduceInterleaved(const float* x, const Groups& groups, float* out) {
  Dims keptSizes, keptStrides, reducedSizes, reducedStrides;
  int64_t stride = 1, count = 1;
  for (size_t g = groups.sizes.size(); g-- > 0;) {
    (groups.reduced[g] ? reducedSizes : keptSizes).push_back(groups.sizes[g]);
    (groups.reduced[g] ? reducedStrides : keptStrides).push_back(stride);
    if (groups.reduced[g]) count *= groups.sizes[g];
    stride *= groups.sizes[g];
  }
  // Collected innermost first; the odometers want outermost first.
  for (Dims* dims : {&keptSizes, &keptStrides, &reducedSizes, &reducedStrides}) std::reverse(dims->begin(), dims->end());
  // The innermost reduced dimension is a strided loop; the others are the odometer's.
  const int64_t lastSize = reducedSizes.back(), lastStride = reducedStrides.back();
  const size_t odometerRank = reducedSizes.size() - 1;
  int64_t outputs = 1;
  for (int64_t size : keptSizes) outputs *= size;
  for (int64_t o = 0; o < outputs; o++) {
    int64_t base = 0;
    for (size_t d = keptSizes.size(), rest = o; d-- > 0;) {
      base += static_cast<int64_t>(rest % keptSizes[d]) * keptStrides[d];
      rest /= keptSizes[d];
    }
    typename R::Acc acc = R::identity();
    Dims index(odometerRank, 0);
    int64_t offset = base;
    for (int64_t step = 0; step < count / lastSize; step++) {
      for (int64_t j = 0; j < lastSize; j++) acc = R::add(acc, x[offset + j * lastStride]);
      for (size_t d = odometerRank; d-- > 0;) {
        offset += reducedStrides[d];
        if (++index[d] < reducedSizes[d]) break;
        offset -= index[d] * reducedStrides[d];
        index[d] = 0;
      }
    }
    out[o] = R::finish(acc, count);
  }
}

// op(x, shape, axes, out): axes are non-negative and distinct.
template <typename R>
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const float* x = floatsAt(info, 0);
    float* out = floatsAt(info, 3);
    const Groups groups = groupsOf(dimsAt(info, 1), dimsAt(info, 2));
    Run run;
    if (runOf(groups, run)) reduceRun<R>(x, run, out);
    else reduceInterleaved<R>(x, groups, out);
  });
}

// The first index of the largest (or smallest) value along one axis; NaN never wins, as in tfjs
// (which starts from the first value and replaces it only by a strictly better one).
template <bool largest>
void argRun(const float* x, const Run& run, int32_t* out) {
  std::vector<float> best(run.inner);
  for (int64_t o = 0; o < run.outer; o++) {
    const float* slab = x + o * run.count * run.inner;
    int32_t* indices = out + o * run.inner;
    std::copy(slab, slab + run.inner, best.begin());
    std::fill(indices, indices + run.inner, 0);
    for (int64_t r = 1; r < run.count; r++) {
      const float* line = slab + r * run.inner;
      for (int64_t k = 0; k < run.inner; k++) {
        const bool better = largest ? line[k] > best[k] : line[k] < best[k];
        best[k] = better ? line[k] : best[k];
        indices[k] = better ? static_cast<int32_t>(r) : indices[k];
      }
    }
  }
}

// op(x, outer, count, inner, out): x is [outer, count, inner], out [outer, inner].
template <bool largest>
Napi::Value ArgReduce(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    Run run;
    run.outer = intAt(info, 1);
    run.count = intAt(info, 2);
    run.inner = intAt(info, 3);
    argRun<largest>(floatsAt(info, 0), run, intsAt(info, 4));
  });
}

// allFinite(x): whether no value of the Float32Array x is NaN or ±∞ (the autograd step's check of
// the weights it updated, runtime/train/finite.ts). An integer test of the exponent bits, vectorized.
Napi::Value AllFinite(const Napi::CallbackInfo& info) {
  const uint32_t* bits = reinterpret_cast<const uint32_t*>(floatsAt(info, 0));
  const size_t n = lengthAt(info, 0);
  uint32_t bad = 0;
#pragma omp simd reduction(| : bad)
  for (size_t i = 0; i < n; i++) bad |= (bits[i] & 0x7f800000u) == 0x7f800000u;
  return Napi::Boolean::New(info.Env(), bad == 0);
}

const Registration registrations[] = {
    {"sum", Reduce<SumOf>}, {"mean", Reduce<MeanOf>},        {"prod", Reduce<ProdOf>},         {"max", Reduce<MaxOf>},
    {"min", Reduce<MinOf>}, {"argMax", ArgReduce<true>}, {"argMin", ArgReduce<false>}, {"allFinite", AllFinite},
};

}  // namespace
}  // namespace nnc
