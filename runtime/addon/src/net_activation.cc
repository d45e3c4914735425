#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "net_layer.h"

namespace nnc::net {

NNC_VECTORIZED void activate(Activation f, float* v, int64_t rows, int64_t cols) {
  const int64_t n = rows * cols;
  switch (f) {
    case Activation::Linear:
      return;
    case Activation::Relu:
      // Math.max(0, x), tfjs's relu: NaN passes through (a diverged value must not become 0).
      for (int64_t i = 0; i < n; i++) v[i] = v[i] > 0.f || v[i] != v[i] ? v[i] : 0.f;
      return;
    case Activation::Sigmoid:
      for (int64_t i = 0; i < n; i++) v[i] = 1.f / (1.f + std::exp(-v[i]));
      return;
    case Activation::Tanh:
      for (int64_t i = 0; i < n; i++) v[i] = std::tanh(v[i]);
      return;
    case Activation::Softmax:
      for (int64_t r = 0; r < rows; r++) {
        float* row = v + r * cols;
        const float top = *std::max_element(row, row + cols);
        float sum = 0.f;
        for (int64_t j = 0; j < cols; j++) sum += (row[j] = std::exp(row[j] - top));
        for (int64_t j = 0; j < cols; j++) row[j] /= sum;
      }
      return;
  }
}

NNC_VECTORIZED void activationGradient(Activation f, const float* a, const float* dA, float* dZ, int64_t rows, int64_t cols) {
  const int64_t n = rows * cols;
  switch (f) {
    case Activation::Linear:
      if (dZ != dA) std::copy(dA, dA + n, dZ);
      return;
    case Activation::Relu:
      // dA·step(a), where tfjs's step(NaN) is NaN.
      // Both arrays read unconditionally, so that the loop vectorizes.
      for (int64_t i = 0; i < n; i++) {
        const float x = a[i], d = dA[i];
        dZ[i] = x > 0.f ? d : x != x ? x : 0.f;
      }
      return;
    case Activation::Sigmoid:
      for (int64_t i = 0; i < n; i++) dZ[i] = dA[i] * a[i] * (1.f - a[i]);
      return;
    case Activation::Tanh:
      for (int64_t i = 0; i < n; i++) dZ[i] = dA[i] * (1.f - a[i] * a[i]);
      return;
    case Activation::Softmax:
      // dz_i = a_i (da_i − Σ_j a_j da_j), row by row.
      for (int64_t r = 0; r < rows; r++) {
        const float* ar = a + r * cols;
        const float* dr = dA + r * cols;
        float dot = 0.f;
        for (int64_t j = 0; j < cols; j++) dot += ar[j] * dr[j];
        float* zr = dZ + r * cols;
        for (int64_t j = 0; j < cols; j++) zr[j] = ar[j] * (dr[j] - dot);
      }
      return;
  }
}

namespace {

class ActivationLayer : public Layer {
 public:
  ActivationLayer(int64_t size, Activation f) : f_(f) { inSize = outSize = size; }
  void forward(int64_t batch, const float* in, float* out, bool, MaskRandom&) override {
    std::copy(in, in + batch * inSize, out);
    activate(f_, out, batch, inSize);
  }
  void backward(int64_t batch, const float*, const float* out, const float* dOut, float* dIn) override {
    if (dIn) activationGradient(f_, out, dOut, dIn, batch, inSize);
  }

 private:
  Activation f_;
};

// Inverted dropout, as tfjs-layers: kept values are scaled by 1/(1 − rate) while training.
class DropoutLayer : public Layer {
 public:
  DropoutLayer(int64_t size, float rate) : rate_(rate) { inSize = outSize = size; }
  void forward(int64_t batch, const float* in, float* out, bool training, MaskRandom& random) override {
    const int64_t n = batch * inSize;
    if (!training || rate_ <= 0.f) {
      std::copy(in, in + n, out);
      return;
    }
    scale_.resize(n);
    // Without a branch: a kept unit is as likely as a dropped one at rate 0.5, and the branch
    // mispredicted half the time (~100 µs of a 6_dropout.nn step for its two layers). The mask is
    // keep's bits or +0's, as the branch chose.
    const float rate = rate_, keep = 1.f / (1.f - rate);
    uint32_t keepBits;
    std::memcpy(&keepBits, &keep, sizeof keepBits);
    float* scale = scale_.data();
    for (int64_t i = 0; i < n; i++) {
      const uint32_t bits = keepBits & (0u - static_cast<uint32_t>(random.uniform() >= rate));
      float s;
      std::memcpy(&s, &bits, sizeof s);
      scale[i] = s;
      out[i] = in[i] * s;
    }
  }
  void backward(int64_t batch, const float*, const float*, const float* dOut, float* dIn) override {
    if (!dIn) return;
    const int64_t n = batch * inSize;
    if (rate_ <= 0.f) std::copy(dOut, dOut + n, dIn);
    else for (int64_t i = 0; i < n; i++) dIn[i] = dOut[i] * scale_[i];
  }

 private:
  float rate_;
  std::vector<float> scale_;
};

}  // namespace

std::unique_ptr<Layer> makeActivation(const PlannedActivation& plan) { return std::make_unique<ActivationLayer>(plan.size, plan.activation); }
// The rate in float, as the layer draws its masks.
std::unique_ptr<Layer> makeDropout(const PlannedDropout& plan) { return std::make_unique<DropoutLayer>(plan.size, static_cast<float>(plan.rate)); }

}  // namespace nnc::net
