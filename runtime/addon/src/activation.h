// The activations tfjs fuses into MatMul and Conv2D, as oneDNN post-ops.
#pragma once

#include <stdexcept>
#include <string>

#include "common.h"

namespace nnc {

// `linear` adds nothing; `prelu` is not supported here (the JS side falls back for it).
inline dnnl::primitive_attr activationAttr(const std::string& activation, float alpha) {
  dnnl::primitive_attr attr;
  if (activation == "linear" || activation.empty()) return attr;
  dnnl::post_ops ops;
  if (activation == "relu") ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
  else if (activation == "leakyrelu") ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, alpha, 0.f);
  else if (activation == "relu6") ops.append_eltwise(1.f, dnnl::algorithm::eltwise_clip, 0.f, 6.f);
  else if (activation == "sigmoid") ops.append_eltwise(1.f, dnnl::algorithm::eltwise_logistic, 0.f, 0.f);
  else if (activation == "tanh") ops.append_eltwise(1.f, dnnl::algorithm::eltwise_tanh, 0.f, 0.f);
  else if (activation == "elu") ops.append_eltwise(1.f, dnnl::algorithm::eltwise_elu, 1.f, 0.f);
  else throw std::invalid_argument("unsupported fused activation " + activation);
  attr.set_post_ops(ops);
  return attr;
}

}  // namespace nnc
