// Recurrent layers (SimpleRNN, LSTM, GRU) as tfjs-layers computes them, and the reset-after GRU of
// Keras 2/3 and PyTorch as the runtime's GRUResetAfter layer (runtime/layers/gru-factory.ts) does,
// with backpropagation through time. TensorFlow.js runs an LSTM step as ~140 small kernels per time step; here the
// input projection of every step is one matrix product, and each step is one more plus a loop.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "net_layer.h"

namespace nnc::net {
namespace {

float sigmoid(float x) { return 1.f / (1.f + std::exp(-x)); }

float apply(Activation f, float x) {
  switch (f) {
    case Activation::Relu:
      return x > 0.f ? x : 0.f;
    case Activation::Sigmoid:
      return sigmoid(x);
    case Activation::Tanh:
      return std::tanh(x);
    default:
      return x;
  }
}

// f'(z) from a = f(z), for the activations a recurrent layer takes.
float slope(Activation f, float a) {
  switch (f) {
    case Activation::Relu:
      return a > 0.f ? 1.f : 0.f;
    case Activation::Sigmoid:
      return a * (1.f - a);
    case Activation::Tanh:
      return 1.f - a * a;
    default:
      return 1.f;
  }
}

class Recurrent : public Layer {
 public:
  Recurrent(const PlannedRecurrent& spec, Parameter* kernel, Parameter* recurrent, Parameter* bias)
      : spec_(spec), width_(gateBlocks(spec.cell) * spec.units), kernel_(kernel), recurrent_(recurrent), bias_(bias) {
    if (spec.activation == Activation::Softmax) throw std::invalid_argument("a recurrent layer cannot use softmax");
    inSize = spec.steps * spec.features;
    outSize = spec.returnSequences ? spec.steps * spec.units : spec.units;
    parameters.push_back(kernel);
    parameters.push_back(recurrent);
    if (bias) parameters.push_back(bias);
  }

  void forward(int64_t batch, const float* in, float* out, bool, MaskRandom&) override {
    const int64_t T = spec_.steps, F = spec_.features, u = spec_.units, W = width_;
    const int64_t state = batch * u;
    xw_.resize(batch * T * W);
    h_.assign((T + 1) * state, 0.f);
    gates_.resize(T * batch * W);
    if (spec_.cell == Cell::Lstm) {
      c_.assign((T + 1) * state, 0.f);
      actC_.resize(T * state);
    }
    if (spec_.cell == Cell::Gru || spec_.cell == Cell::GruResetAfter) rh_.resize(T * state);
    if (spec_.cell == Cell::GruResetAfter) hu_.resize(batch * W);
    // Every step's input projection at once: rows are (example, step).
    gemm('N', 'N', batch * T, W, F, in, F, kernel_->values, W, xw_.data(), W);
    if (bias_) {
      const float* b = bias_->values;
      for (int64_t r = 0; r < batch * T; r++)
        for (int64_t j = 0; j < W; j++) xw_[r * W + j] += b[j];
    }
    const float* U = recurrent_->values;
    for (int64_t t = 0; t < T; t++) {
      const float* hPrev = h_.data() + t * state;
      float* hNext = h_.data() + (t + 1) * state;
      float* z = gates_.data() + t * batch * W;
      for (int64_t b = 0; b < batch; b++) std::copy_n(xw_.data() + (b * T + t) * W, W, z + b * W);
      switch (spec_.cell) {
        case Cell::Simple:
          gemm('N', 'N', batch, W, u, hPrev, u, U, W, z, W, 1.f);
          for (int64_t i = 0; i < state; i++) hNext[i] = z[i] = apply(spec_.activation, z[i]);
          break;
        case Cell::Lstm: {
          gemm('N', 'N', batch, W, u, hPrev, u, U, W, z, W, 1.f);
          const float* cPrev = c_.data() + t * state;
          float* cNext = c_.data() + (t + 1) * state;
          float* actC = actC_.data() + t * state;
          for (int64_t b = 0; b < batch; b++) {
            float* g = z + b * W;
            for (int64_t j = 0; j < u; j++) {
              const float i = g[j] = sigmoid(g[j]);
              const float f = g[u + j] = sigmoid(g[u + j]);
              const float cand = g[2 * u + j] = apply(spec_.activation, g[2 * u + j]);
              const float o = g[3 * u + j] = sigmoid(g[3 * u + j]);
              const int64_t k = b * u + j;
              cNext[k] = f * cPrev[k] + i * cand;
              actC[k] = apply(spec_.activation, cNext[k]);
              hNext[k] = o * actC[k];
            }
          }
          break;
        }
        case Cell::Gru: {
          // z and r from h·U[:, :2u]; the candidate from (r ⊙ h)·U[:, 2u:].
          gemm('N', 'N', batch, 2 * u, u, hPrev, u, U, W, z, W, 1.f);
          float* rh = rh_.data() + t * state;
          for (int64_t b = 0; b < batch; b++) {
            float* g = z + b * W;
            for (int64_t j = 0; j < u; j++) {
              g[j] = sigmoid(g[j]);
              g[u + j] = sigmoid(g[u + j]);
              rh[b * u + j] = g[u + j] * hPrev[b * u + j];
            }
          }
          gemm('N', 'N', batch, u, u, rh, u, U + 2 * u, W, z + 2 * u, W, 1.f);
          for (int64_t b = 0; b < batch; b++) {
            float* g = z + b * W;
            for (int64_t j = 0; j < u; j++) {
              const float cand = g[2 * u + j] = apply(spec_.activation, g[2 * u + j]);
              const int64_t k = b * u + j;
              hNext[k] = g[j] * hPrev[k] + (1.f - g[j]) * cand;
            }
          }
          break;
        }
        case Cell::GruResetAfter: {
          // hu = h·U + c (the recurrent bias, the bias's second row) for all three blocks; z and r
          // from the sums, and r multiplies the candidate's block of hu, which rh_ keeps for backward.
          float* hu = hu_.data();
          const float* c = bias_ ? bias_->values + W : nullptr;
          for (int64_t b = 0; b < batch; b++) {
            if (c)
              std::copy_n(c, W, hu + b * W);
            else
              std::fill_n(hu + b * W, W, 0.f);
          }
          gemm('N', 'N', batch, W, u, hPrev, u, U, W, hu, W, 1.f);
          float* recH = rh_.data() + t * state;
          for (int64_t b = 0; b < batch; b++) {
            float* g = z + b * W;
            const float* hb = hu + b * W;
            for (int64_t j = 0; j < u; j++) {
              const int64_t k = b * u + j;
              const float zg = g[j] = sigmoid(g[j] + hb[j]);
              const float r = g[u + j] = sigmoid(g[u + j] + hb[u + j]);
              recH[k] = hb[2 * u + j];
              const float cand = g[2 * u + j] = apply(spec_.activation, g[2 * u + j] + r * recH[k]);
              hNext[k] = zg * hPrev[k] + (1.f - zg) * cand;
            }
          }
          break;
        }
      }
    }
    for (int64_t b = 0; b < batch; b++) {
      if (spec_.returnSequences)
        for (int64_t t = 0; t < T; t++) std::copy_n(h_.data() + (t + 1) * state + b * u, u, out + (b * T + t) * u);
      else
        std::copy_n(h_.data() + T * state + b * u, u, out + b * u);
    }
  }

  void backward(int64_t batch, const float* in, const float*, const float* dOut, float* dIn) override {
    const int64_t T = spec_.steps, F = spec_.features, u = spec_.units, W = width_;
    const int64_t state = batch * u;
    dZ_.resize(batch * T * W);
    dh_.assign(state, 0.f);
    dc_.assign(state, 0.f);
    scratch_.resize(state);
    const float* U = recurrent_->values;
    float* dU = recurrent_->gradient.data();
    std::fill(dU, dU + u * W, 0.f);
    // A reset-after GRU's recurrent bias (the bias's second row) is summed over the steps below.
    float* dRecBias = spec_.cell == Cell::GruResetAfter && bias_ ? bias_->gradient.data() + W : nullptr;
    if (dRecBias) std::fill(dRecBias, dRecBias + W, 0.f);
    if (spec_.cell == Cell::GruResetAfter) dRec_.resize(batch * W);
    for (int64_t t = T; t-- > 0;) {
      for (int64_t b = 0; b < batch; b++) {
        const float* d = spec_.returnSequences ? dOut + (b * T + t) * u : (t == T - 1 ? dOut + b * u : nullptr);
        if (d)
          for (int64_t j = 0; j < u; j++) dh_[b * u + j] += d[j];
      }
      const float* hPrev = h_.data() + t * state;
      const float* g = gates_.data() + t * batch * W;
      float* dz = dZ_.data() + t * W;  // row b at dz + b·T·W
      const int64_t ldz = T * W;
      switch (spec_.cell) {
        case Cell::Simple:
          for (int64_t b = 0; b < batch; b++)
            for (int64_t j = 0; j < u; j++) dz[b * ldz + j] = dh_[b * u + j] * slope(spec_.activation, g[b * W + j]);
          gemm('T', 'N', u, W, batch, hPrev, u, dz, ldz, dU, W, 1.f);
          gemm('N', 'T', batch, u, W, dz, ldz, U, W, dh_.data(), u);
          break;
        case Cell::Lstm: {
          const float* cPrev = c_.data() + t * state;
          const float* actC = actC_.data() + t * state;
          for (int64_t b = 0; b < batch; b++) {
            const float* gb = g + b * W;
            float* d = dz + b * ldz;
            for (int64_t j = 0; j < u; j++) {
              const int64_t k = b * u + j;
              const float i = gb[j], f = gb[u + j], cand = gb[2 * u + j], o = gb[3 * u + j];
              const float dh = dh_[k];
              const float dc = dc_[k] + dh * o * slope(spec_.activation, actC[k]);
              d[j] = dc * cand * i * (1.f - i);
              d[u + j] = dc * cPrev[k] * f * (1.f - f);
              d[2 * u + j] = dc * i * slope(spec_.activation, cand);
              d[3 * u + j] = dh * actC[k] * o * (1.f - o);
              dc_[k] = dc * f;
            }
          }
          gemm('T', 'N', u, W, batch, hPrev, u, dz, ldz, dU, W, 1.f);
          gemm('N', 'T', batch, u, W, dz, ldz, U, W, dh_.data(), u);
          break;
        }
        case Cell::Gru: {
          const float* rh = rh_.data() + t * state;
          float* dhPrev = scratch_.data();
          for (int64_t b = 0; b < batch; b++) {
            const float* gb = g + b * W;
            float* d = dz + b * ldz;
            for (int64_t j = 0; j < u; j++) {
              const int64_t k = b * u + j;
              const float zg = gb[j], cand = gb[2 * u + j], dh = dh_[k];
              d[j] = dh * (hPrev[k] - cand) * zg * (1.f - zg);  // through z; σ' applied here
              d[2 * u + j] = dh * (1.f - zg) * slope(spec_.activation, cand);
              dhPrev[k] = dh * zg;
            }
          }
          // The candidate's recurrent product: U_h and the gradient of r ⊙ h.
          gemm('T', 'N', u, u, batch, rh, u, dz + 2 * u, ldz, dU + 2 * u, W, 1.f);
          std::vector<float>& dRh = dc_;  // the LSTM's cell gradient is unused by a GRU
          gemm('N', 'T', batch, u, u, dz + 2 * u, ldz, U + 2 * u, W, dRh.data(), u);
          for (int64_t b = 0; b < batch; b++) {
            const float* gb = g + b * W;
            float* d = dz + b * ldz;
            for (int64_t j = 0; j < u; j++) {
              const int64_t k = b * u + j;
              const float r = gb[u + j];
              d[u + j] = dRh[k] * hPrev[k] * r * (1.f - r);
              dhPrev[k] += dRh[k] * r;
            }
          }
          gemm('T', 'N', u, 2 * u, batch, hPrev, u, dz, ldz, dU, W, 1.f);
          gemm('N', 'T', batch, u, 2 * u, dz, ldz, U, W, dhPrev, u, 1.f);
          std::copy(dhPrev, dhPrev + state, dh_.begin());
          break;
        }
        case Cell::GruResetAfter: {
          // Pre-activation gradients: the input side's in dz (z, r, candidate), the recurrent
          // side's (of h·U + c) in dRec: z and r the same, the candidate's times r.
          const float* recH = rh_.data() + t * state;
          float* dRec = dRec_.data();
          float* dhPrev = scratch_.data();
          for (int64_t b = 0; b < batch; b++) {
            const float* gb = g + b * W;
            float* d = dz + b * ldz;
            float* dr = dRec + b * W;
            for (int64_t j = 0; j < u; j++) {
              const int64_t k = b * u + j;
              const float zg = gb[j], r = gb[u + j], cand = gb[2 * u + j], dh = dh_[k];
              const float dCand = dh * (1.f - zg) * slope(spec_.activation, cand);
              dr[j] = d[j] = dh * (hPrev[k] - cand) * zg * (1.f - zg);
              dr[u + j] = d[u + j] = dCand * recH[k] * r * (1.f - r);
              d[2 * u + j] = dCand;
              dr[2 * u + j] = dCand * r;
              dhPrev[k] = dh * zg;
            }
          }
          gemm('T', 'N', u, W, batch, hPrev, u, dRec, W, dU, W, 1.f);
          gemm('N', 'T', batch, u, W, dRec, W, U, W, dhPrev, u, 1.f);
          if (dRecBias)
            for (int64_t b = 0; b < batch; b++)
              for (int64_t j = 0; j < W; j++) dRecBias[j] += dRec[b * W + j];
          std::copy(dhPrev, dhPrev + state, dh_.begin());
          break;
        }
      }
    }
    gemm('T', 'N', F, W, batch * T, in, F, dZ_.data(), W, kernel_->gradient.data(), W);
    if (bias_) {
      float* db = bias_->gradient.data();
      std::fill(db, db + W, 0.f);
      for (int64_t r = 0; r < batch * T; r++)
        for (int64_t j = 0; j < W; j++) db[j] += dZ_[r * W + j];
    }
    if (dIn) gemm('N', 'T', batch * T, F, W, dZ_.data(), W, kernel_->values, W, dIn, F);
  }

 private:
  PlannedRecurrent spec_;
  int64_t width_;
  Parameter* kernel_;
  Parameter* recurrent_;
  Parameter* bias_;
  // Forward: input projections, states h (and c) for steps 0…T, post-activation gates per step.
  // rh_ is r ⊙ h for a GRU, h·U_h + c_h for a reset-after GRU; hu_ one step's h·U + c.
  std::vector<float> xw_, h_, c_, actC_, gates_, rh_, hu_;
  // Backward: pre-activation gradients per (example, step), and the running state gradients;
  // dRec_ a reset-after GRU's gradients of one step's h·U + c.
  std::vector<float> dZ_, dh_, dc_, scratch_, dRec_;
};

}  // namespace

int gateBlocks(Cell cell) { return cell == Cell::Lstm ? 4 : cell == Cell::Gru || cell == Cell::GruResetAfter ? 3 : 1; }

std::unique_ptr<Layer> makeRecurrent(const PlannedRecurrent& spec, Parameter* kernel, Parameter* recurrent, Parameter* bias) {
  return std::make_unique<Recurrent>(spec, kernel, recurrent, bias);
}

}  // namespace nnc::net
