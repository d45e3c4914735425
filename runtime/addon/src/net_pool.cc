// Max and average pooling over NHWC, written as plain loops: oneDNN's pooling on NHWC with channel
// counts that are not a multiple of 8 (20 in the lectures' network) measured ~1 ms per call at
// batch 10, these loops ~0.05 ms. Max pooling remembers each output's winning input for the
// backward pass; average pooling divides by the count of values inside the input, as tfjs does.
#include <algorithm>
#include <cstring>
#include <limits>

#include "net_layer.h"

namespace nnc::net {
namespace {

class Pool : public Layer {
 public:
  explicit Pool(const PoolSpec& spec) : s_(spec) {
    inSize = s_.h * s_.w * s_.c;
    outSize = s_.oh * s_.ow * s_.c;
  }

  void forward(int64_t batch, const float* in, float* out, bool, MaskRandom&) override {
    if (s_.max) winners_.resize(batch * outSize);
    const int64_t c = s_.c;
    for (int64_t n = 0; n < batch; n++) {
      const float* image = in + n * inSize;
      for (int64_t oy = 0; oy < s_.oh; oy++) {
        const int64_t y0 = std::max<int64_t>(0, oy * s_.sh - s_.padTop), y1 = std::min(s_.h, oy * s_.sh - s_.padTop + s_.ph);
        for (int64_t ox = 0; ox < s_.ow; ox++) {
          const int64_t x0 = std::max<int64_t>(0, ox * s_.sw - s_.padLeft), x1 = std::min(s_.w, ox * s_.sw - s_.padLeft + s_.pw);
          const int64_t at = n * outSize + (oy * s_.ow + ox) * c;
          float* o = out + at;
          if (s_.max) {
            int32_t* win = winners_.data() + at;
            std::fill(o, o + c, -std::numeric_limits<float>::infinity());
            std::fill(win, win + c, static_cast<int32_t>((y0 * s_.w + x0) * c));
            for (int64_t y = y0; y < y1; y++)
              for (int64_t x = x0; x < x1; x++) {
                const int32_t base = static_cast<int32_t>((y * s_.w + x) * c);
                const float* v = image + base;
                for (int64_t k = 0; k < c; k++)
                  if (v[k] > o[k]) {
                    o[k] = v[k];
                    win[k] = base + static_cast<int32_t>(k);
                  }
              }
            for (int64_t k = 0; k < c; k++)
              if (win[k] % c != k) win[k] = static_cast<int32_t>((y0 * s_.w + x0) * c + k);  // an all -inf window
          } else {
            std::fill(o, o + c, 0.f);
            for (int64_t y = y0; y < y1; y++)
              for (int64_t x = x0; x < x1; x++) {
                const float* v = image + (y * s_.w + x) * c;
                for (int64_t k = 0; k < c; k++) o[k] += v[k];
              }
            const float count = static_cast<float>((y1 - y0) * (x1 - x0));
            for (int64_t k = 0; k < c; k++) o[k] /= count;
          }
        }
      }
    }
  }

  void backward(int64_t batch, const float*, const float*, const float* dOut, float* dIn) override {
    if (!dIn) return;
    std::memset(dIn, 0, sizeof(float) * batch * inSize);
    const int64_t c = s_.c;
    for (int64_t n = 0; n < batch; n++) {
      float* dImage = dIn + n * inSize;
      if (s_.max) {
        const int32_t* win = winners_.data() + n * outSize;
        const float* d = dOut + n * outSize;
        for (int64_t i = 0; i < outSize; i++) dImage[win[i]] += d[i];
        continue;
      }
      for (int64_t oy = 0; oy < s_.oh; oy++) {
        const int64_t y0 = std::max<int64_t>(0, oy * s_.sh - s_.padTop), y1 = std::min(s_.h, oy * s_.sh - s_.padTop + s_.ph);
        for (int64_t ox = 0; ox < s_.ow; ox++) {
          const int64_t x0 = std::max<int64_t>(0, ox * s_.sw - s_.padLeft), x1 = std::min(s_.w, ox * s_.sw - s_.padLeft + s_.pw);
          const float* d = dOut + n * outSize + (oy * s_.ow + ox) * c;
          const float share = 1.f / static_cast<float>((y1 - y0) * (x1 - x0));
          for (int64_t y = y0; y < y1; y++)
            for (int64_t x = x0; x < x1; x++) {
              float* t = dImage + (y * s_.w + x) * c;
              for (int64_t k = 0; k < c; k++) t[k] += d[k] * share;
            }
        }
      }
    }
  }

 private:
  PoolSpec s_;
  std::vector<int32_t> winners_;  // per output value: the index of its input within the example
};

}  // namespace

std::unique_ptr<Layer> makePool(const PoolSpec& spec) { return std::make_unique<Pool>(spec); }

}  // namespace nnc::net
