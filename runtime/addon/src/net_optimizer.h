// The compiled network's optimizers: tfjs's update rules (tfjs-core's optimizers), operation by
// operation in float, so a compiled step and an autograd step agree and their checkpoints are
// interchangeable.
#pragma once

#include <string>

#include "net_layer.h"

namespace nnc::net {

class Optimizer {
 public:
  explicit Optimizer(const PlannedOptimizer& spec);
  // How many state arrays each parameter keeps, and what they start as.
  int slotCount() const;
  float initialSlotValue() const;
  // w ← update(w, g, state) for elements [begin, end) of one parameter, g holding the range's
  // gradient (from its element `begin`: the parameter's own array, or a block a layer just made);
  // true when every updated weight is finite (checked in the update's own loop, so a diverged step
  // is seen without another pass over the weights). Elements are independent: ranges may run on
  // different threads.
  bool apply(Parameter& p, const float* g, float lr, int64_t begin, int64_t end) const;
  // After every parameter's update: advance the step count and the running powers of β.
  void finishStep();
  // Sets the step count after a checkpoint and recomputes β₁ᵗ, β₂ᵗ as the steps accumulated them.
  void restoreSteps(int64_t steps);
  int64_t steps() const { return steps_; }

 private:
  PlannedOptimizer spec_;
  int64_t steps_ = 0;
  float accBeta1_ = 0, accBeta2_ = 0;  // β^(steps + 1), multiplied once per step in float
};

}  // namespace nnc::net
