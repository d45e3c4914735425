// Batch normalization over the last axis, as tfjs-layers trains it: each channel normalized by
// the batch's mean and (biased) variance, then scaled by γ and shifted by β; the moving mean and
// variance, which inference uses, move towards the batch's by (1 − momentum) every step.
#include <cmath>

#include "net_layer.h"

namespace nnc::net {
namespace {

// The plan's numbers with momentum and epsilon in float, as tfjs's float32 operations use them.
struct BatchNormSettings {
  int64_t positions, channels;
  float momentum, epsilon;
};

class BatchNorm : public Layer {
 public:
  BatchNorm(const PlannedBatchNorm& plan, Parameter* gamma, Parameter* beta, Parameter* movingMean, Parameter* movingVariance)
      : spec_{plan.positions, plan.channels, static_cast<float>(plan.momentum), static_cast<float>(plan.epsilon)},
        gamma_(gamma),
        beta_(beta),
        movingMean_(movingMean),
        movingVariance_(movingVariance) {
    inSize = outSize = spec_.positions * spec_.channels;
    if (gamma) parameters.push_back(gamma);
    if (beta) parameters.push_back(beta);
  }

  void forward(int64_t batch, const float* in, float* out, bool training, MaskRandom&) override {
    const int64_t C = spec_.channels, rows = batch * spec_.positions;
    mean_.assign(C, 0.0);
    invStd_.resize(C);
    const float* mm = movingMean_->values;
    const float* mv = movingVariance_->values;
    if (training) {
      std::vector<double> variance(C, 0.0);
      for (int64_t r = 0; r < rows; r++)
        for (int64_t c = 0; c < C; c++) mean_[c] += in[r * C + c];
      for (int64_t c = 0; c < C; c++) mean_[c] /= static_cast<double>(rows);
      for (int64_t r = 0; r < rows; r++)
        for (int64_t c = 0; c < C; c++) {
          const double d = in[r * C + c] - mean_[c];
          variance[c] += d * d;
        }
      const float decay = 1.f - spec_.momentum;
      for (int64_t c = 0; c < C; c++) {
        const float mean = static_cast<float>(mean_[c]), var = static_cast<float>(variance[c] / static_cast<double>(rows));
        invStd_[c] = 1.f / std::sqrt(var + spec_.epsilon);
        movingMean_->values[c] = mm[c] - (mm[c] - mean) * decay;
        movingVariance_->values[c] = mv[c] - (mv[c] - var) * decay;
      }
    } else {
      for (int64_t c = 0; c < C; c++) {
        mean_[c] = mm[c];
        invStd_[c] = 1.f / std::sqrt(mv[c] + spec_.epsilon);
      }
    }
    normalized_.resize(rows * C);
    for (int64_t r = 0; r < rows; r++)
      for (int64_t c = 0; c < C; c++) {
        const int64_t i = r * C + c;
        const float xHat = (in[i] - static_cast<float>(mean_[c])) * invStd_[c];
        normalized_[i] = xHat;
        out[i] = xHat * (gamma_ ? gamma_->values[c] : 1.f) + (beta_ ? beta_->values[c] : 0.f);
      }
  }

  // With x̂ = (x − μ)/σ over N rows: dβ = Σ dy, dγ = Σ dy·x̂, dx = γ/(Nσ)·(N·dy − Σ dy − x̂·Σ dy·x̂).
  void backward(int64_t batch, const float*, const float*, const float* dOut, float* dIn) override {
    const int64_t C = spec_.channels, rows = batch * spec_.positions;
    std::vector<double> sumDy(C, 0.0), sumDyXHat(C, 0.0);
    for (int64_t r = 0; r < rows; r++)
      for (int64_t c = 0; c < C; c++) {
        const int64_t i = r * C + c;
        sumDy[c] += dOut[i];
        sumDyXHat[c] += static_cast<double>(dOut[i]) * normalized_[i];
      }
    if (gamma_)
      for (int64_t c = 0; c < C; c++) gamma_->gradient[c] = static_cast<float>(sumDyXHat[c]);
    if (beta_)
      for (int64_t c = 0; c < C; c++) beta_->gradient[c] = static_cast<float>(sumDy[c]);
    if (!dIn) return;
    const double n = static_cast<double>(rows);
    for (int64_t r = 0; r < rows; r++)
      for (int64_t c = 0; c < C; c++) {
        const int64_t i = r * C + c;
        const double g = (gamma_ ? gamma_->values[c] : 1.f) * invStd_[c];
        dIn[i] = static_cast<float>(g * (dOut[i] - sumDy[c] / n - normalized_[i] * sumDyXHat[c] / n));
      }
  }

 private:
  BatchNormSettings spec_;
  Parameter* gamma_;
  Parameter* beta_;
  Parameter* movingMean_;
  Parameter* movingVariance_;
  std::vector<double> mean_;
  std::vector<float> invStd_, normalized_;
};

}  // namespace

std::unique_ptr<Layer> makeBatchNorm(const PlannedBatchNorm& plan, Parameter* gamma, Parameter* beta, Parameter* movingMean, Parameter* movingVariance) {
  return std::make_unique<BatchNorm>(plan, gamma, beta, movingMean, movingVariance);
}

}  // namespace nnc::net
