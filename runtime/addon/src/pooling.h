// The one pooling of the addon: max and average pooling over NHWC data as oneDNN pooling
// primitives, working on the caller's arrays directly (pooling is memory-bound: no reorders). The
// kernel backend (pool.cc) and the compiled network (net_pool.cc) differ only in what they ask of
// it: which divisor an average uses, whether a backward pass is made, and who caches the passes.
// Callers choose the thread count (useThreadsFor) before making a Pooling and before each run, as
// for the convolution: oneDNN primitives run with the count they were made with.
// Numbers follow tfjs's kernels: a max skips NaN, and a window of NaN and -∞ alone is -∞ and passes
// no gradient back (oneDNN starts a max at the lowest float and routes such a window's gradient to
// its first element: both are corrected here).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common.h"
#include "conv_geometry.h"

namespace nnc {

enum class PoolKind { max, average };

// What an average pooling divides by: the window's in-bounds values (tfjs's AvgPool, and the true
// gradient of it: oneDNN's pooling_avg_exclude_padding), or the whole filter, padding included
// (pooling_avg_include_padding: tfjs's AvgPoolGrad kernel, which is not the gradient of its own
// AvgPool where a window overlaps the padding). Max pooling ignores it.
enum class AverageDivisor { inBounds, wholeFilter };

struct PoolingSetup {
  WindowGeometry geometry;
  PoolKind kind = PoolKind::max;
  AverageDivisor divisor = AverageDivisor::inBounds;
  // Whether the backward pass is made too. Max pooling's forward then runs in training mode and
  // keeps oneDNN's workspace (which input won each window) for the backward pass after it.
  bool backward = false;
  // The layout of src and dst (and their gradients): NHWC where undef, else a blocked layout
  // (the compiled network's activationLayout(), convolution.h), whose padded channels stay zero.
  dnnl::memory::format_tag layout = dnnl::memory::format_tag::undef;
};

class Pooling {
 public:
  explicit Pooling(const PoolingSetup& setup);

  // out = each window's max or mean, for setup.geometry.batch examples.
  void forward(const float* in, float* out);
  // dIn = dOut routed back through the last forward (max: its workspace; `out` is that forward's
  // output, to find the windows without a max) or spread over each window (average: `out` unused).
  // dIn is overwritten. Only with setup.backward.
  void backward(const float* dOut, const float* out, float* dIn);

  // oneDNN's names for the implementations it chose (NNC_NATIVE_VERBOSE).
  std::string implementation() const;

 private:
  PoolingSetup setup_;
  dnnl::primitive forward_, backward_;
  std::string forwardImpl_, backwardImpl_;
  dnnl::memory src_, dst_, diffDst_, diffSrc_, workspace_, forwardScratchpad_, backwardScratchpad_;
  int64_t dstLength_ = 0;  // floats in dst, padded channels included
  std::vector<float> maskedDOut_;  // dOut with the gradient of windows without a max zeroed
};

}  // namespace nnc
