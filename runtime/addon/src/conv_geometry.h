// The geometry of a convolution or pooling window over NHWC data, as tfjs computes it
// (backend_util.computeConv2DInfo): the JS side passes tfjs's own output sizes and leading
// padding, so rounding modes and the uneven padding of 'same' are exactly tfjs's.
#pragma once

#include <stdexcept>

#include "common.h"

namespace nnc {

struct WindowGeometry {
  int64_t batch, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels;
  int64_t filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth;
  // The padding after the input is the one that gives oneDNN tfjs's output size (kernels/conv.ts).
  int64_t padTop, padLeft, padBottom, padRight;

  // From the JS array [batch, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight,
  // filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft, padBottom, padRight].
  explicit WindowGeometry(const Dims& g) : values_(g) {
    if (g.size() != 17) throw std::invalid_argument("a window geometry has 17 numbers");
    batch = g[0], inHeight = g[1], inWidth = g[2], inChannels = g[3], outHeight = g[4], outWidth = g[5], outChannels = g[6];
    filterHeight = g[7], filterWidth = g[8], strideHeight = g[9], strideWidth = g[10], dilationHeight = g[11], dilationWidth = g[12];
    padTop = g[13], padLeft = g[14], padBottom = g[15], padRight = g[16];
  }

  const Dims& values() const { return values_; }

  // oneDNN orders dimensions N, C, H, W (and O, I, H, W) whatever the memory layout.
  dnnl::memory::dims srcDims() const { return {batch, inChannels, inHeight, inWidth}; }
  dnnl::memory::dims dstDims() const { return {batch, outChannels, outHeight, outWidth}; }
  dnnl::memory::dims weightsDims() const { return {outChannels, inChannels, filterHeight, filterWidth}; }
  dnnl::memory::dims strides() const { return {strideHeight, strideWidth}; }
  dnnl::memory::dims kernel() const { return {filterHeight, filterWidth}; }
  // oneDNN counts dilation as the gap between taps: tfjs's 1 is its 0.
  dnnl::memory::dims dilates() const { return {dilationHeight - 1, dilationWidth - 1}; }
  dnnl::memory::dims paddingL() const { return {padTop, padLeft}; }
  dnnl::memory::dims paddingR() const { return {padBottom, padRight}; }

  // Multiply-adds of one convolution pass, for the thread choice.
  double convolutionFlops() const { return 2.0 * batch * outHeight * outWidth * outChannels * filterHeight * filterWidth * inChannels; }
  double poolingWork() const { return static_cast<double>(batch) * outHeight * outWidth * outChannels * filterHeight * filterWidth; }

 private:
  Dims values_;
};

}  // namespace nnc
