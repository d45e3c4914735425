// A convolution as im2col + one sgemm over the whole batch, on NHWC data and HWIO weights as
// tfjs stores them: the compiled network's convolution where oneDNN's direct one does not win
// (convolution.h, prefersDirect). oneDNN's own gemm convolution multiplies image by image, at
// about half the rate of sgemm on the batch's rows (bench/conv-peak.mjs). The columns are
// [rows = n·oh·ow, k = kh·kw·ic] and the HWIO kernel is already [k, oc], so out = col·W + b is
// NHWC; dW = colᵀ·dOut; dIn = col2im(dOut·Wᵀ). The forward pass's columns are kept for the
// backward-weights pass of the same step when they fit (kColumnLimit); otherwise each pass works
// in chunks of examples. No intrinsics: the arithmetic is oneDNN's sgemm (run-time dispatch).
#pragma once

#include <vector>

#include "conv_geometry.h"

namespace nnc {

class ColumnConvolution {
 public:
  // `window` is one example's geometry (batch 1); the batch is given at each call.
  explicit ColumnConvolution(const WindowGeometry& window) : w_(window) {}

  // out = conv(in) + bias for `batch` examples.
  void forward(int64_t batch, const float* in, const float* weights, const float* bias, float* out);
  // dWeights and dBias (overwritten) from the forward's input and the gradient of its output.
  void backwardWeights(int64_t batch, const float* in, const float* dOut, float* dWeights, float* dBias);
  // dIn (overwritten) from the gradient of the output.
  void backwardData(int64_t batch, const float* dOut, const float* weights, float* dIn);

 private:
  // Columns of at most 1 MB per chunk, so that they stay in the core's L2 cache between im2col and the
  // GEMM: measured against 512 kB, 2 MB and 16 MB on the two-conv network (batch 32: conv2's
  // passes 4.0 → 2.9 ms per step against 16 MB; batch 10 unchanged).
  static constexpr int64_t kColumnLimit = int64_t(1) << 18;  // floats
 public:
  // The limit in use (kColumnLimit unless a test lowers it to exercise the chunked passes).
  static int64_t& columnLimit();

 private:
  int64_t columnWidth() const { return w_.filterHeight * w_.filterWidth * w_.inChannels; }
  int64_t rowsPerExample() const { return w_.outHeight * w_.outWidth; }
  int64_t chunkOf(int64_t batch) const;
  void im2col(int64_t count, const float* in, float* col) const;
  void col2im(int64_t count, const float* col, float* dIn) const;

  WindowGeometry w_;
  std::vector<float> col_, dCol_;
  const float* columnsOf_ = nullptr;  // the input whose columns col_ holds, when they are a whole batch's
  int64_t columnsBatch_ = 0;
};

}  // namespace nnc
