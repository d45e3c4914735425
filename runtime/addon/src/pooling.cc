// The oneDNN pooling both callers share (pooling.h).
#include "pooling.h"

#include <limits>
#include <stdexcept>
#include <unordered_map>

namespace nnc {
namespace {

using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;
using dnnl::memory;

dnnl::algorithm algorithmOf(const PoolingSetup& setup) {
  if (setup.kind == PoolKind::max) return dnnl::algorithm::pooling_max;
  return setup.divisor == AverageDivisor::inBounds ? dnnl::algorithm::pooling_avg_exclude_padding : dnnl::algorithm::pooling_avg_include_padding;
}

void check(const WindowGeometry& g) {
  if (g.dilationHeight != 1 || g.dilationWidth != 1) throw std::invalid_argument("pooling has no dilation");
  if (g.inChannels != g.outChannels) throw std::invalid_argument("pooling keeps the channel count");
}

}  // namespace

Pooling::Pooling(const PoolingSetup& setup) : setup_(setup) {
  const WindowGeometry& g = setup.geometry;
  check(g);
  auto& engine = cpuEngine();
  const tag layout = setup.layout == tag::undef ? tag::nhwc : setup.layout;
  const memory::desc src(g.srcDims(), dt::f32, layout), dst(g.dstDims(), dt::f32, layout);
  dstLength_ = static_cast<int64_t>(dst.get_size() / sizeof(float));
  const auto kind = setup.backward ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference;
  const dnnl::pooling_forward::desc forwardDesc(kind, algorithmOf(setup), src, dst, g.strides(), g.kernel(), g.paddingL(), g.paddingR());
  // Its own scratchpads, as the convolutions' (convolution.cc): a pooling may run on any thread.
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  const dnnl::pooling_forward::primitive_desc forwardPd(forwardDesc, attr, engine);
  if (forwardPd.scratchpad_desc().get_size() > 0) forwardScratchpad_ = memory(forwardPd.scratchpad_desc(), engine);
  forward_ = dnnl::pooling_forward(forwardPd);
  forwardImpl_ = forwardPd.impl_info_str();
  src_ = memory(src, engine, nullptr);
  dst_ = memory(dst, engine, nullptr);
  if (!setup.backward) return;
  if (setup.kind == PoolKind::max) workspace_ = memory(forwardPd.workspace_desc(), engine);
  const dnnl::pooling_backward::desc backwardDesc(algorithmOf(setup), src, dst, g.strides(), g.kernel(), g.paddingL(), g.paddingR());
  const dnnl::pooling_backward::primitive_desc backwardPd(backwardDesc, attr, engine, forwardPd);
  if (backwardPd.scratchpad_desc().get_size() > 0) backwardScratchpad_ = memory(backwardPd.scratchpad_desc(), engine);
  backward_ = dnnl::pooling_backward(backwardPd);
  backwardImpl_ = backwardPd.impl_info_str();
  diffDst_ = memory(dst, engine, nullptr);
  diffSrc_ = memory(src, engine, nullptr);
}

void Pooling::forward(const float* in, float* out) {
  // oneDNN takes a mutable handle; the input is only read.
  src_.set_data_handle(const_cast<float*>(in));
  dst_.set_data_handle(out);
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src_}, {DNNL_ARG_DST, dst_}};
  if (workspace_) args.emplace(DNNL_ARG_WORKSPACE, workspace_);
  if (forwardScratchpad_) args.emplace(DNNL_ARG_SCRATCHPAD, forwardScratchpad_);
  forward_.execute(cpuStream(), args);
  cpuStream().wait();
  if (setup_.kind != PoolKind::max) return;
  // oneDNN's max of a window of NaN and -∞ alone is the lowest float; tfjs's is -∞.
  const float lowest = std::numeric_limits<float>::lowest();
  const int64_t length = dstLength_;
  for (int64_t i = 0; i < length; i++)
    if (out[i] == lowest) out[i] = -std::numeric_limits<float>::infinity();
}

void Pooling::backward(const float* dOut, const float* out, float* dIn) {
  if (!setup_.backward) throw std::logic_error("this pooling was made without its backward pass");
  const float* gradient = dOut;
  if (setup_.kind == PoolKind::max) {
    // tfjs routes no gradient from a window without a max; oneDNN's workspace names its first element.
    const float empty = -std::numeric_limits<float>::infinity();
    const int64_t length = dstLength_;
    int64_t first = 0;
    while (first < length && out[first] != empty) first++;
    if (first < length) {
      maskedDOut_.assign(dOut, dOut + length);
      for (int64_t i = first; i < length; i++)
        if (out[i] == empty) maskedDOut_[i] = 0.f;
      gradient = maskedDOut_.data();
    }
  }
  diffDst_.set_data_handle(const_cast<float*>(gradient));
  diffSrc_.set_data_handle(dIn);
  std::unordered_map<int, memory> args{{DNNL_ARG_DIFF_DST, diffDst_}, {DNNL_ARG_DIFF_SRC, diffSrc_}};
  if (workspace_) args.emplace(DNNL_ARG_WORKSPACE, workspace_);
  if (backwardScratchpad_) args.emplace(DNNL_ARG_SCRATCHPAD, backwardScratchpad_);
  backward_.execute(cpuStream(), args);
  cpuStream().wait();
}

std::string Pooling::implementation() const { return backwardImpl_.empty() ? forwardImpl_ : forwardImpl_ + ", backward " + backwardImpl_; }

}  // namespace nnc
