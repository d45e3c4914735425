// A compiled network's layers: the whole training step of a sequential model runs here, in one
// call per batch, instead of one TensorFlow.js kernel call (and tape entry) per operation.
// Shapes are per example; the batch size is given at each call (the last batch may be smaller).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common.h"
#include "net_plan.h"

namespace nnc::net {

// C = op(A)·op(B) + beta·C, row-major, on oneDNN's sgemm ('N' or 'T' for op).
void gemm(char ta, char tb, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb, float* c, int64_t ldc, float beta = 0.f);

// a = f(z) in place over `rows` examples of `cols` values.
void activate(Activation f, float* values, int64_t rows, int64_t cols);
// dZ = dA ⊙ f'(z), from the activation's output `a` (every f here has its derivative in terms of a).
void activationGradient(Activation f, const float* a, const float* dA, float* dZ, int64_t rows, int64_t cols);

// A trainable array: the weights live in TensorFlow.js's own buffer (set before every step), the
// gradient and the optimizer's state here: up to two arrays (slots) the size of the weights, in
// the order tfjs's optimizer of the same kind keeps them.
struct Parameter {
  float* values = nullptr;
  int64_t size = 0;
  std::vector<float> gradient;
  std::vector<float> slots[2];
  float l1 = 0, l2 = 0;  // already divided by n (and by 2 for L2), as in the cost
};

// A xorshift generator for dropout masks, reseeded by the JavaScript side each step so runs repeat.
struct MaskRandom {
  uint64_t state = 1;
  void seed(uint64_t s) { state = s * 0x9E3779B97F4A7C15ull + 1; }
  float uniform() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return static_cast<float>((state >> 40) * (1.0 / 16777216.0));
  }
};

// What finishing a range of a parameter's update (regularization, clipping, the optimizer) found:
// the range's Σg² and whether every new weight is finite.
struct RangeUpdate {
  double squaredSum = 0;
  bool finite = true;
};
// Finishes elements [begin, end) of a parameter's update, `gradient` holding their gradient from
// element `begin` (it is changed: regularized, clipped); disjoint ranges may run on different threads.
using FinishRange = std::function<RangeUpdate(Parameter&, float* gradient, int64_t begin, int64_t end)>;
// The parameter a layer's backward pass updated itself (none when `parameter` is null), its
// squared gradient norm and whether its new weights are all finite.
struct Finished {
  Parameter* parameter = nullptr;
  double squaredNorm = 0;
  bool finite = true;
};

class Layer {
 public:
  virtual ~Layer() = default;
  int64_t inSize = 0, outSize = 0;  // values per example
  std::vector<Parameter*> parameters;

  // Convolution and pooling layers can keep their input and output arrays in oneDNN's
  // channel-blocked layout (activationLayout(), convolution.h) between each other, so that the
  // direct convolutions need no reorder per pass: the network chooses once, before any step, with
  // useBlocked(in, out) on the layers that say they can (blockable), and sizes its arrays by
  // outStorage (channels padded to the block; oneDNN keeps the padding at zero, in values and
  // gradients alike). Every other layer, and the network's input and output, are NHWC/flat.
  int64_t outStorage = 0;  // values per example in the output array: outSize unless blocked
  int64_t storedOut() const { return outStorage > 0 ? outStorage : outSize; }
  virtual bool blockable() const { return false; }
  // Whether the layer can turn an NHWC input into a blocked output itself (a convolution can).
  virtual bool blocksFromPlain() const { return false; }
  virtual void useBlocked(bool in, bool out) {}

  virtual void forward(int64_t batch, const float* in, float* out, bool training, MaskRandom& random) = 0;
  // Accumulates nothing: writes each parameter's gradient, and dIn unless it is null (first layer).
  virtual void backward(int64_t batch, const float* in, const float* out, const float* dOut, float* dIn) = 0;
  // backward, and where the layer can, its kernel's update too, in blocks of about `blockValues`
  // values finished through `finish` while each block of the gradient is still in cache: a dense
  // layer at a small batch is bound by memory traffic, and writing its whole gradient, then reading
  // it and the weights back for the update, cost more than the arithmetic. (Such a kernel's
  // gradient then lives only block by block: its Parameter::gradient is left as it was.) The network asks for
  // this only where nothing needs every gradient before any update (no norm clipping, no shards'
  // gradients to add). Returns what it updated (nothing by default).
  virtual Finished backwardUpdating(int64_t batch, const float* in, const float* out, const float* dOut, float* dIn, const FinishRange&, int64_t) {
    backward(batch, in, out, dOut, dIn);
    return {};
  }
};

// Each layer is made from its decoded plan entry (net_plan.h).
std::unique_ptr<Layer> makeDense(const PlannedDense& plan, Parameter* kernel, Parameter* bias);
std::unique_ptr<Layer> makeConv(const PlannedConv& plan, Parameter* kernel, Parameter* bias);
std::unique_ptr<Layer> makePool(const PlannedPool& plan);
std::unique_ptr<Layer> makeDropout(const PlannedDropout& plan);
// γ and β may be null (scale: false, center: false); the moving statistics are not trained: their
// `values` are TensorFlow.js's buffers, bound before each call like the weights.
std::unique_ptr<Layer> makeBatchNorm(const PlannedBatchNorm& plan, Parameter* gamma, Parameter* beta, Parameter* movingMean, Parameter* movingVariance);
// Gate blocks of `units` columns in the kernels: 1, 4 or 3.
int gateBlocks(Cell cell);
// kernel [features, G·units], recurrent [units, G·units], bias [G·units], G = 1, 4 or 3 gate blocks
// in tfjs-layers' order (LSTM i, f, c, o; GRU z, r, h); a reset-after GRU's bias is [2, 3·units],
// the input bias, then the recurrent bias (Keras's layout).
std::unique_ptr<Layer> makeRecurrent(const PlannedRecurrent& plan, Parameter* kernel, Parameter* recurrent, Parameter* bias);
std::unique_ptr<Layer> makeActivation(const PlannedActivation& plan);

}  // namespace nnc::net
