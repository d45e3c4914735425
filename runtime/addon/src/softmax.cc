// Softmax over the last axis, in one pass over each row instead of tfjs's five kernels (max,
// subtract, exp, sum, divide), with the same roundings: x − max in float, e^(x − max) rounded to
// float, the sum accumulated in double and rounded to float, then one float division.
#include "elementwise.h"

namespace nnc {
namespace {

void softmaxRow(const float* x, float* out, int64_t n) {
  const float largest = extremeOf<true>(x, n);
  for (int64_t i = 0; i < n; i++) out[i] = static_cast<float>(expDouble(x[i] - largest));
  // Eight partial sums so the loop vectorizes.
  double lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int l = 0; l < 8; l++) lanes[l] += out[i + l];
  double sum = 0;
  for (const double lane : lanes) sum += lane;
  for (; i < n; i++) sum += out[i];
  const float total = static_cast<float>(sum);
  for (int64_t j = 0; j < n; j++) out[j] /= total;
}

// softmax(logits, out, rowLength)
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const float* x = floatsAt(info, 0);
    float* out = floatsAt(info, 1);
    const int64_t n = lengthAt(info, 1), rowLength = intAt(info, 2);
    const int64_t rows = n / rowLength;
    forChunks(rows, threadsForElements(n, 3), [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; r++) softmaxRow(x + r * rowLength, out + r * rowLength, rowLength);
    });
  });
}

const Registration registration("softmax", Softmax);

}  // namespace
}  // namespace nnc
