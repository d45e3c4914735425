// The plan of a compiled network, decoded once from the JavaScript object whose TypeScript types
// are in runtime/core/native-plan.ts (`NetworkPlan`, `PlannedLayer`, `PlannedOptimizer`): nothing else
// in the addon reads that object. Schema, per example and NHWC:
//   { inputSize, outputSize, loss, optimizer, clip, clipMax, layers: PlannedLayer[] }
//   dense      { inputs, units, activation, bias, l1, l2 }
//   conv2d     { input [h, w, c], output [h, w, c], kernel [h, w], strides [h, w], dilation [h, w],
//                pad [top, bottom, left, right], activation, bias, l1, l2 }
//   maxpool | avgpool { input [h, w, c], output [h, w, c], pool [h, w], strides [h, w], pad [top, bottom, left, right] }
//   recurrent  { cell (rnn, lstm, gru, gru_reset_after), steps, features, units, activation, bias, returnSequences, l1, l2 }
//   batchnorm  { positions, channels, momentum, epsilon, center, scale }
//   dropout    { size, rate }
//   activation { size, activation }
//   optimizer  { kind, momentum, nesterov, rho, decay, beta1, beta2, epsilon }
// Every field is read and checked here (sizes positive integers, paddings non-negative, names
// known, window outputs consistent with their input); a fault is a PlanError naming the layer's
// index and kind and the field. Numbers stay doubles as JavaScript held them: the layers round
// them to float where they use them.
#pragma once

#include <napi.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "conv_geometry.h"

namespace nnc::net {

enum class Activation { Linear, Relu, Sigmoid, Tanh, Softmax };
// Gru is tfjs-layers' GRU (reset before, Keras's reset_after=False); GruResetAfter is Keras 2/3's
// and PyTorch's (reset after: r multiplies h·U_h + c_h, a second bias per gate; bias [2, 3·units]).
enum class Cell { Simple, Lstm, Gru, GruResetAfter };
enum class OptimizerKind { Sgd, Momentum, Adagrad, Adadelta, Rmsprop, Adam, Adamax };
enum class Loss { Quadratic, MeanSquared, MeanAbsolute, CrossEntropy, BinaryCrossEntropy };
enum class Clip { None, Value, Norm };

struct PlannedDense {
  int64_t inputs = 0, units = 0;
  Activation activation = Activation::Linear;
  bool bias = false;
  double l1 = 0, l2 = 0;  // already divided by n (and by 2 for L2), as in the cost
};

// `window` is one example's (batch 1); the layer sets the batch at each call.
struct PlannedConv {
  WindowGeometry window;
  Activation activation = Activation::Linear;
  bool bias = false;
  double l1 = 0, l2 = 0;
};

struct PlannedPool {
  bool max = true;
  WindowGeometry window;  // batch 1, dilation 1, as many channels out as in
};

struct PlannedRecurrent {
  Cell cell = Cell::Simple;
  int64_t steps = 0, features = 0, units = 0;
  Activation activation = Activation::Linear;  // the candidate's and output's; the gates are logistic
  bool bias = false, returnSequences = false;
  double l1 = 0, l2 = 0;
};

struct PlannedBatchNorm {
  int64_t positions = 0, channels = 0;  // values per example = positions × channels (the last axis)
  double momentum = 0, epsilon = 0;
  bool center = false, scale = false;
};

struct PlannedDropout {
  int64_t size = 0;
  double rate = 0;
};

struct PlannedActivation {
  int64_t size = 0;
  Activation activation = Activation::Linear;
};

using PlannedLayer = std::variant<PlannedDense, PlannedConv, PlannedPool, PlannedRecurrent, PlannedBatchNorm, PlannedDropout, PlannedActivation>;

struct PlannedOptimizer {
  OptimizerKind kind = OptimizerKind::Sgd;
  // Hyper-parameters as doubles, as the JavaScript side holds them; tfjs rounds each scalar
  // (β₁, 1 − β₁, …) to float where it enters an operation, and so does the optimizer.
  double momentum = 0, rho = 0, decay = 0, beta1 = 0, beta2 = 0, epsilon = 1e-7;
  bool nesterov = false;
};

struct NetworkPlan {
  int64_t inputSize = 0, outputSize = 0;
  Loss loss = Loss::Quadratic;
  PlannedOptimizer optimizer;
  Clip clip = Clip::None;
  double clipMax = 0;
  std::vector<PlannedLayer> layers;
};

// A plan the decoder refuses; the message names where and what ("layer 2 (conv2d): pad must be …").
struct PlanError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

NetworkPlan decodePlan(const Napi::Value& plan);
// The plan back as the JavaScript object it was decoded from (the decoder's round-trip test).
Napi::Object encodePlan(Napi::Env env, const NetworkPlan& plan);

}  // namespace nnc::net
