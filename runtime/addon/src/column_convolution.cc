// im2col + sgemm convolution (column_convolution.h).
#include "column_convolution.h"

#include <algorithm>
#include <cstring>

#include "common.h"
#include "net_layer.h"

namespace nnc {
namespace {

// A short copy (a window row of a few channels): a loop, cheaper than memcpy's call for 5 floats.
inline void copyShort(float* to, const float* from, int64_t n) {
  if (n >= 32) {
    std::memcpy(to, from, sizeof(float) * n);
    return;
  }
  for (int64_t i = 0; i < n; i++) to[i] = from[i];
}

}  // namespace

int64_t& ColumnConvolution::columnLimit() {
  static int64_t limit = kColumnLimit;
  return limit;
}

// As many examples as fit in columnLimit(), in chunks of equal size (10 → 5 + 5, not 8 + 2).
int64_t ColumnConvolution::chunkOf(int64_t batch) const {
  // With few input channels im2col copies a few floats at a time and costs as much as the GEMM:
  // there the columns are kept whole (16× the limit) so that backward-weights reuses them
  // (conv1 of the two-conv network, batch 32: backward-weights 10 → 38 GFLOP/s, AVX2's path).
  const int64_t limit = w_.inChannels < 8 ? 16 * columnLimit() : columnLimit();
  const int64_t most = std::max<int64_t>(1, std::min<int64_t>(batch, limit / (rowsPerExample() * columnWidth())));
  const int64_t chunks = (batch + most - 1) / most;
  return (batch + chunks - 1) / chunks;
}

// Columns of examples [0, count) of `in` (NHWC), zero where a window reaches into the padding.
void ColumnConvolution::im2col(int64_t count, const float* in, float* col) const {
  const WindowGeometry& w = w_;
  const int64_t ic = w.inChannels, k = columnWidth(), rows = count * rowsPerExample(), perExample = rowsPerExample();
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < rows; r++) {
    const int64_t n = r / perExample, oh = r % perExample / w.outWidth, ow = r % w.outWidth;
    float* row = col + r * k;
    const float* image = in + n * w.inSize();
    for (int64_t kh = 0; kh < w.filterHeight; kh++) {
      float* part = row + kh * w.filterWidth * ic;
      const int64_t ih = oh * w.strideHeight + kh * w.dilationHeight - w.pad.top;
      if (ih < 0 || ih >= w.inHeight) {
        std::fill(part, part + w.filterWidth * ic, 0.f);
        continue;
      }
      const int64_t iw0 = ow * w.strideWidth - w.pad.left;
      if (w.dilationWidth == 1 && iw0 >= 0 && iw0 + w.filterWidth <= w.inWidth) {
        std::memcpy(part, image + (ih * w.inWidth + iw0) * ic, sizeof(float) * w.filterWidth * ic);
        continue;
      }
      for (int64_t kw = 0; kw < w.filterWidth; kw++) {
        const int64_t iw = iw0 + kw * w.dilationWidth;
        if (iw < 0 || iw >= w.inWidth) std::fill(part + kw * ic, part + (kw + 1) * ic, 0.f);
        else copyShort(part + kw * ic, image + (ih * w.inWidth + iw) * ic, ic);
      }
    }
  }
}

// dIn (examples [0, count), NHWC) = the columns' gradients added back where each came from.
void ColumnConvolution::col2im(int64_t count, const float* col, float* dIn) const {
  const WindowGeometry& w = w_;
  const int64_t ic = w.inChannels, k = columnWidth(), perExample = rowsPerExample();
  // By example, so that threads never add into the same image.
#pragma omp parallel for schedule(static)
  for (int64_t n = 0; n < count; n++) {
    float* image = dIn + n * w.inSize();
    std::fill(image, image + w.inSize(), 0.f);
    for (int64_t p = 0; p < perExample; p++) {
      const int64_t oh = p / w.outWidth, ow = p % w.outWidth;
      const float* row = col + (n * perExample + p) * k;
      for (int64_t kh = 0; kh < w.filterHeight; kh++) {
        const int64_t ih = oh * w.strideHeight + kh * w.dilationHeight - w.pad.top;
        if (ih < 0 || ih >= w.inHeight) continue;
        for (int64_t kw = 0; kw < w.filterWidth; kw++) {
          const int64_t iw = ow * w.strideWidth + kw * w.dilationWidth - w.pad.left;
          if (iw < 0 || iw >= w.inWidth) continue;
          addInto(image + (ih * w.inWidth + iw) * ic, row + (kh * w.filterWidth + kw) * ic, ic);
        }
      }
    }
  }
}

void ColumnConvolution::forward(int64_t batch, const float* in, const float* weights, const float* bias, float* out) {
  const int64_t k = columnWidth(), oc = w_.outChannels, chunk = chunkOf(batch);
  col_.resize(chunk * rowsPerExample() * k);
  for (int64_t from = 0; from < batch; from += chunk) {
    const int64_t count = std::min(chunk, batch - from), rows = count * rowsPerExample();
    useThreadsFor(static_cast<double>(rows) * k);
    im2col(count, in + from * w_.inSize(), col_.data());
    float* o = out + from * w_.outSize();
    for (int64_t r = 0; r < rows; r++) std::memcpy(o + r * oc, bias, sizeof(float) * oc);
    net::gemm('N', 'N', rows, oc, k, col_.data(), k, weights, oc, o, oc, 1.f);
  }
  columnsOf_ = chunk >= batch ? in : nullptr;
  columnsBatch_ = batch;
}

void ColumnConvolution::backwardWeights(int64_t batch, const float* in, const float* dOut, float* dWeights, float* dBias) {
  const int64_t k = columnWidth(), oc = w_.outChannels, chunk = chunkOf(batch);
  std::fill(dBias, dBias + oc, 0.f);
  for (int64_t r = 0; r < batch * rowsPerExample(); r++) {
    const float* row = dOut + r * oc;
    for (int64_t j = 0; j < oc; j++) dBias[j] += row[j];
  }
  col_.resize(chunk * rowsPerExample() * k);
  // The forward pass's columns are this input's when it ran on the whole batch at once.
  const bool kept = columnsOf_ == in && columnsBatch_ == batch && chunk >= batch;
  for (int64_t from = 0; from < batch; from += chunk) {
    const int64_t count = std::min(chunk, batch - from), rows = count * rowsPerExample();
    if (!kept) {
      useThreadsFor(static_cast<double>(rows) * k);
      im2col(count, in + from * w_.inSize(), col_.data());
    }
    net::gemm('T', 'N', k, oc, rows, col_.data(), k, dOut + from * w_.outSize(), oc, dWeights, oc, from == 0 ? 0.f : 1.f);
  }
  if (!kept) columnsOf_ = nullptr;
}

void ColumnConvolution::backwardData(int64_t batch, const float* dOut, const float* weights, float* dIn) {
  const int64_t k = columnWidth(), oc = w_.outChannels, chunk = chunkOf(batch);
  dCol_.resize(chunk * rowsPerExample() * k);
  for (int64_t from = 0; from < batch; from += chunk) {
    const int64_t count = std::min(chunk, batch - from), rows = count * rowsPerExample();
    net::gemm('N', 'T', rows, k, oc, dOut + from * w_.outSize(), oc, weights, oc, dCol_.data(), k);
    useThreadsFor(static_cast<double>(rows) * k);
    col2im(count, dCol_.data(), dIn + from * w_.inSize());
  }
}

}  // namespace nnc

namespace nnc {
namespace {

// setColumnLimit(floats) → the previous limit: how many floats of columns a chunk of the im2col
// convolution holds (0 restores the default); for the tests of its chunked passes.
Napi::Value SetColumnLimit(const Napi::CallbackInfo& info) {
  const int64_t previous = ColumnConvolution::columnLimit();
  guarded(info, [&] {
    const int64_t asked = intAt(info, 0);
    ColumnConvolution::columnLimit() = asked > 0 ? asked : int64_t(1) << 18;
  });
  return Napi::Number::New(info.Env(), static_cast<double>(previous));
}

const Registration registration("setColumnLimit", SetColumnLimit);

}  // namespace
}  // namespace nnc
