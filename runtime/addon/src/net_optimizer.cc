#include "net_optimizer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace nnc::net {
namespace {

// 1 for NaN and ±∞, 0 otherwise, without a branch (so the update loops still vectorize).
inline unsigned notFinite(float v) { return !(std::fabs(v) <= std::numeric_limits<float>::max()); }

}  // namespace

Optimizer::Optimizer(const PlannedOptimizer& spec) : spec_(spec) { restoreSteps(0); }

int Optimizer::slotCount() const {
  switch (spec_.kind) {
    case OptimizerKind::Sgd:
      return 0;
    case OptimizerKind::Momentum:
    case OptimizerKind::Adagrad:
      return 1;
    default:
      return 2;
  }
}

// tfjs's AdaGrad starts its accumulators at 0.1.
float Optimizer::initialSlotValue() const { return spec_.kind == OptimizerKind::Adagrad ? 0.1f : 0.f; }

void Optimizer::restoreSteps(int64_t steps) {
  steps_ = steps;
  const float beta1 = static_cast<float>(spec_.beta1), beta2 = static_cast<float>(spec_.beta2);
  accBeta1_ = beta1;
  accBeta2_ = beta2;
  for (int64_t i = 0; i < steps; i++) {
    accBeta1_ *= beta1;
    accBeta2_ *= beta2;
  }
}

void Optimizer::finishStep() {
  steps_++;
  accBeta1_ *= static_cast<float>(spec_.beta1);
  accBeta2_ *= static_cast<float>(spec_.beta2);
}

NNC_VECTORIZED bool Optimizer::apply(Parameter& p, const float* g, float lr, int64_t begin, int64_t end) const {
  // Every array from the range's first element: g holds only the range.
  float* w = p.values + begin;
  float* s0 = p.slots[0].data() + (p.slots[0].empty() ? 0 : begin);
  float* s1 = p.slots[1].data() + (p.slots[1].empty() ? 0 : begin);
  const int64_t n = end - begin;
  const float eps = static_cast<float>(spec_.epsilon);
  const float negLr = -lr;
  unsigned bad = 0;
  switch (spec_.kind) {
    case OptimizerKind::Sgd:
      for (int64_t i = 0; i < n; i++) {
        w[i] -= lr * g[i];
        bad |= notFinite(w[i]);
      }
      return bad == 0;
    case OptimizerKind::Momentum: {
      // v ← μv + g; w ← w − η·v, or with Nesterov w ← w − η·(g + μv).
      const float mu = static_cast<float>(spec_.momentum);
      for (int64_t i = 0; i < n; i++) {
        s0[i] = mu * s0[i] + g[i];
        w[i] -= lr * (spec_.nesterov ? g[i] + mu * s0[i] : s0[i]);
        bad |= notFinite(w[i]);
      }
      return bad == 0;
    }
    case OptimizerKind::Adagrad:
      // a ← a + g²; w ← w − η·g / √(a + ε), with tfjs's ε of 1e-7.
      for (int64_t i = 0; i < n; i++) {
        s0[i] = s0[i] + g[i] * g[i];
        w[i] = (g[i] / std::sqrt(s0[i] + 1e-7f)) * negLr + w[i];
        bad |= notFinite(w[i]);
      }
      return bad == 0;
    case OptimizerKind::Adadelta: {
      // tfjs divides by the accumulated squares from before this step's gradient is added.
      const float rho = static_cast<float>(spec_.rho), oneMinusRho = static_cast<float>(1.0 - spec_.rho);
      for (int64_t i = 0; i < n; i++) {
        const float newGrad = s0[i] * rho + g[i] * g[i] * oneMinusRho;
        const float update = std::sqrt(s1[i] + eps) / std::sqrt(s0[i] + eps) * g[i];
        s1[i] = s1[i] * rho + update * update * oneMinusRho;
        s0[i] = newGrad;
        w[i] = update * negLr + w[i];
        bad |= notFinite(w[i]);
      }
      return bad == 0;
    }
    case OptimizerKind::Rmsprop: {
      // ms ← ρ·ms + (1 − ρ)·g²; m ← μm + η·g / √(ms + ε); w ← w − m.
      const float decay = static_cast<float>(spec_.decay), oneMinusDecay = static_cast<float>(1.0 - spec_.decay);
      const float mu = static_cast<float>(spec_.momentum);
      for (int64_t i = 0; i < n; i++) {
        s0[i] = s0[i] * decay + g[i] * g[i] * oneMinusDecay;
        s1[i] = s1[i] * mu + g[i] * lr / std::sqrt(s0[i] + eps);
        w[i] = w[i] - s1[i];
        bad |= notFinite(w[i]);
      }
      return bad == 0;
    }
    case OptimizerKind::Adam: {
      const float beta1 = static_cast<float>(spec_.beta1), oneMinusBeta1 = static_cast<float>(1.0 - spec_.beta1);
      const float beta2 = static_cast<float>(spec_.beta2), oneMinusBeta2 = static_cast<float>(1.0 - spec_.beta2);
      const float correction1 = 1.f - accBeta1_, correction2 = 1.f - accBeta2_;
      for (int64_t i = 0; i < n; i++) {
        s0[i] = s0[i] * beta1 + g[i] * oneMinusBeta1;
        s1[i] = s1[i] * beta2 + g[i] * g[i] * oneMinusBeta2;
        const float m = s0[i] / correction1, v = s1[i] / correction2;
        w[i] = m / (std::sqrt(v) + eps) * negLr + w[i];
        bad |= notFinite(w[i]);
      }
      return bad == 0;
    }
    case OptimizerKind::Adamax: {
      // tfjs's Adamax with no decay: u ← max(β₂u, |g|); w ← w − η/(1 − β₁ᵗ)·m/(u + ε).
      const float beta1 = static_cast<float>(spec_.beta1), oneMinusBeta1 = static_cast<float>(1.0 - spec_.beta1);
      const float beta2 = static_cast<float>(spec_.beta2);
      const float rate = negLr / (1.f - accBeta1_);
      for (int64_t i = 0; i < n; i++) {
        s0[i] = s0[i] * beta1 + g[i] * oneMinusBeta1;
        s1[i] = std::max(s1[i] * beta2, std::fabs(g[i]));
        w[i] = rate * (s0[i] / (s1[i] + eps)) + w[i];
        bad |= notFinite(w[i]);
      }
      return bad == 0;
    }
  }
  return bad == 0;
}

}  // namespace nnc::net
