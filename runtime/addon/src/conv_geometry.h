// The geometry of a convolution or pooling window over NHWC data, written once for both callers:
// the kernel backend (conv.cc, pool.cc) passes tfjs's own numbers (backend_util.computeConv2DInfo),
// so rounding modes and the uneven padding of 'same' are exactly tfjs's; the compiled network
// (net_conv.cc, net_pool.cc) gets it from its decoded plan (net_plan.h). Padding is always in the
// order top, bottom, left, right, as in runtime/core/native-plan.ts and runtime/kernels/conv.ts.
#pragma once

#include <stdexcept>

#include "common.h"

namespace nnc {

struct WindowPadding {
  int64_t top = 0, bottom = 0, left = 0, right = 0;
};

struct WindowGeometry {
  int64_t batch = 1, inHeight = 0, inWidth = 0, inChannels = 0, outHeight = 0, outWidth = 0, outChannels = 0;
  int64_t filterHeight = 0, filterWidth = 0, strideHeight = 1, strideWidth = 1, dilationHeight = 1, dilationWidth = 1;
  // The padding after the input is the one that gives oneDNN the caller's output size (kernels/conv.ts).
  WindowPadding pad;

  // The JS array's length: [batch, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels,
  // filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padTop,
  // padBottom, padLeft, padRight].
  static constexpr size_t kNumbers = 17;

  static WindowGeometry fromNumbers(const Dims& g) {
    if (g.size() != kNumbers) throw std::invalid_argument("a window geometry has 17 numbers");
    WindowGeometry w;
    w.batch = g[0], w.inHeight = g[1], w.inWidth = g[2], w.inChannels = g[3], w.outHeight = g[4], w.outWidth = g[5], w.outChannels = g[6];
    w.filterHeight = g[7], w.filterWidth = g[8], w.strideHeight = g[9], w.strideWidth = g[10], w.dilationHeight = g[11], w.dilationWidth = g[12];
    w.pad = {g[13], g[14], g[15], g[16]};
    return w;
  }

  // The same numbers, in the order fromNumbers reads them (cache keys).
  Dims numbers() const {
    return {batch, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth,
            pad.top, pad.bottom, pad.left, pad.right};
  }

  WindowGeometry withBatch(int64_t n) const {
    WindowGeometry copy = *this;
    copy.batch = n;
    return copy;
  }

  // The output size along one axis that the input, window and padding give (oneDNN's rule).
  static int64_t outputSize(int64_t in, int64_t filter, int64_t stride, int64_t dilation, int64_t before, int64_t after) {
    return (in + before + after - ((filter - 1) * dilation + 1)) / stride + 1;
  }
  bool outputFollows() const {
    return outHeight == outputSize(inHeight, filterHeight, strideHeight, dilationHeight, pad.top, pad.bottom) &&
           outWidth == outputSize(inWidth, filterWidth, strideWidth, dilationWidth, pad.left, pad.right);
  }

  // Values per example of the input and of the output.
  int64_t inSize() const { return inHeight * inWidth * inChannels; }
  int64_t outSize() const { return outHeight * outWidth * outChannels; }

  // oneDNN orders dimensions N, C, H, W (and O, I, H, W) whatever the memory layout.
  dnnl::memory::dims srcDims() const { return {batch, inChannels, inHeight, inWidth}; }
  dnnl::memory::dims dstDims() const { return {batch, outChannels, outHeight, outWidth}; }
  dnnl::memory::dims weightsDims() const { return {outChannels, inChannels, filterHeight, filterWidth}; }
  dnnl::memory::dims strides() const { return {strideHeight, strideWidth}; }
  dnnl::memory::dims kernel() const { return {filterHeight, filterWidth}; }
  // oneDNN counts dilation as the gap between taps: tfjs's 1 is its 0.
  dnnl::memory::dims dilates() const { return {dilationHeight - 1, dilationWidth - 1}; }
  dnnl::memory::dims paddingL() const { return {pad.top, pad.left}; }
  dnnl::memory::dims paddingR() const { return {pad.bottom, pad.right}; }

  // Multiply-adds of one convolution pass, for the thread choice.
  double convolutionFlops() const { return 2.0 * batch * outHeight * outWidth * outChannels * filterHeight * filterWidth * inChannels; }
  double poolingWork() const { return static_cast<double>(batch) * outHeight * outWidth * outChannels * filterHeight * filterWidth; }
};

}  // namespace nnc
