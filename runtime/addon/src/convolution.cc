// The oneDNN convolution both callers share (convolution.h).
#include "convolution.h"

#include <cstdlib>
#include <string>
#include <unordered_map>

namespace nnc {
namespace {

using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;
using dnnl::memory;

// The caller's src and dst: NHWC, or the blocked layout the setup names. A one-channel NHWC
// array is NCHW too: oneDNN's direct kernels take it as that without a reorder.
bool isReference(const std::string& implementation) { return implementation.rfind("ref", 0) == 0; }

memory::desc callerSrc(const ConvolutionSetup& setup) {
  const WindowGeometry& g = setup.geometry;
  if (setup.srcLayout != tag::undef) return memory::desc(g.srcDims(), dt::f32, setup.srcLayout);
  return memory::desc(g.srcDims(), dt::f32, g.inChannels == 1 && setup.layout == ConvLayout::chosenByOneDnn ? tag::nchw : tag::nhwc);
}
memory::desc callerDst(const ConvolutionSetup& setup) {
  const WindowGeometry& g = setup.geometry;
  return memory::desc(g.dstDims(), dt::f32, setup.dstLayout != tag::undef ? setup.dstLayout : tag::nhwc);
}
memory::desc plainWeights(const WindowGeometry& g) { return memory::desc(g.weightsDims(), dt::f32, tag::hwio); }
memory::desc plainBias(const WindowGeometry& g) { return memory::desc({g.outChannels}, dt::f32, tag::a); }

// The descriptors a primitive is made from: tfjs's layouts, or `any` to let oneDNN choose.
struct Layouts {
  memory::desc src, weights, dst;
};
// `oneChannelAsIs`: a one-channel NHWC src is given to oneDNN as the NCHW it also is (no reorder);
// where oneDNN has only its reference kernel for that (AVX2's backward-weights, any backward-data),
// the pass is made again with the src in oneDNN's chosen layout, reordered at each call.
Layouts layoutsFor(const ConvolutionSetup& setup, bool oneChannelAsIs = true) {
  const WindowGeometry& g = setup.geometry;
  if (setup.layout == ConvLayout::plain) return {callerSrc(setup), plainWeights(g), callerDst(setup)};
  const auto anyOf = [](const memory::dims& dims) { return memory::desc(dims, dt::f32, tag::any); };
  // An input of one channel stays NCHW (its only layout); blocked callers' arrays are used as they are.
  const bool fixedSrc = setup.srcLayout != tag::undef || (g.inChannels == 1 && oneChannelAsIs);
  return {fixedSrc ? callerSrc(setup) : anyOf(g.srcDims()), anyOf(g.weightsDims()), setup.dstLayout != tag::undef ? callerDst(setup) : anyOf(g.dstDims())};
}

// Every pass brings its own scratchpad (ConvolutionPass): with oneDNN's default, one scratchpad
// shared by all primitives, a pass could not run on another thread than the one it was made on,
// and the compiled network runs its shards' passes on two threads at once (net_network.cc).
dnnl::primitive_attr withOwnScratchpad(dnnl::primitive_attr attr) {
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

// The forward pass, or the hint a backward pass is made from.
dnnl::convolution_forward::primitive_desc forwardDesc(const ConvolutionSetup& setup, const dnnl::primitive_attr& given) {
  const dnnl::primitive_attr attr = withOwnScratchpad(given);
  const WindowGeometry& g = setup.geometry;
  const auto [src, weights, dst] = layoutsFor(setup);
  const auto kind = dnnl::prop_kind::forward_training;
  const auto algorithm = dnnl::algorithm::convolution_direct;
  const auto desc = setup.bias ? dnnl::convolution_forward::desc(kind, algorithm, src, weights, plainBias(g), dst, g.strides(), g.dilates(), g.paddingL(), g.paddingR())
                               : dnnl::convolution_forward::desc(kind, algorithm, src, weights, dst, g.strides(), g.dilates(), g.paddingL(), g.paddingR());
  return dnnl::convolution_forward::primitive_desc(desc, attr, cpuEngine());
}

}  // namespace

memory::format_tag activationLayout() {
  static const memory::format_tag layout = [] {
    const char* plain = std::getenv("NNC_CONV_PLAIN");
    if (plain && *plain && *plain != '0') return tag::undef;
    const auto isa = static_cast<unsigned>(dnnl::get_effective_cpu_isa());
    const auto has = [isa](dnnl::cpu_isa bits) { return (isa & static_cast<unsigned>(bits)) == static_cast<unsigned>(bits); };
    if (has(dnnl::cpu_isa::avx512_core) || has(dnnl::cpu_isa::avx512_mic)) return tag::nChw16c;
    if (has(dnnl::cpu_isa::avx2)) return tag::nChw8c;
    return tag::undef;
  }();
  return layout;
}

int64_t blockedChannels(int64_t channels) {
  const int64_t block = activationLayout() == tag::nChw16c ? 16 : activationLayout() == tag::nChw8c ? 8 : 1;
  return (channels + block - 1) / block * block;
}

DirectChoice& directConvolutions() {
  static DirectChoice choice = choiceFromEnvironment("NNC_CONV_DIRECT");
  return choice;
}

bool prefersDirect(const WindowGeometry& g) {
  if (activationLayout() == tag::undef) return false;
  switch (directConvolutions()) {
    case DirectChoice::always:
      return true;
    case DirectChoice::never:
      return false;
    case DirectChoice::automatic:
      // AVX2's direct backward-weights pass has no kernel for a one-channel NCHW input (oneDNN
      // falls back to its reference one, or to a blocked input 8× the size: 8 GFLOP/s measured
      // with ONEDNN_MAX_CPU_ISA=AVX2), so there im2col + GEMM wins for every layer.
      return activationLayout() == tag::nChw16c && g.inChannels < kDirectBelowChannels;
  }
  return false;
}

ConvOperand::ConvOperand(const memory::desc& plain, const memory::desc& preferred, bool isOutput)
    : user_(plain, cpuEngine(), nullptr), reordered_(plain != preferred) {
  if (!reordered_) return;
  internal_ = memory(preferred, cpuEngine());
  convert_ = isOutput ? dnnl::reorder(internal_, user_) : dnnl::reorder(user_, internal_);
}

memory& ConvOperand::bindInput(const float* data) {
  // oneDNN takes a mutable handle; an input is only read.
  user_.set_data_handle(const_cast<float*>(data));
  if (!reordered_) return user_;
  convert_.execute(cpuStream(), user_, internal_);
  return internal_;
}

memory& ConvOperand::bindOutput(float* data) {
  user_.set_data_handle(data);
  return reordered_ ? internal_ : user_;
}

void ConvOperand::finishOutput() {
  if (reordered_) convert_.execute(cpuStream(), internal_, user_);
}

void ConvolutionPass::run(const std::vector<const float*>& inputs, const std::vector<float*>& outputs) {
  std::unordered_map<int, memory> args;
  for (size_t i = 0; i < inputs.size(); i++) args.emplace(inputs_[i].first, inputs_[i].second.bindInput(inputs[i]));
  for (size_t i = 0; i < outputs.size(); i++) args.emplace(outputs_[i].first, outputs_[i].second.bindOutput(outputs[i]));
  if (scratchpad_) args.emplace(DNNL_ARG_SCRATCHPAD, scratchpad_);
  primitive_.execute(cpuStream(), args);
  for (size_t i = 0; i < outputs.size(); i++) outputs_[i].second.finishOutput();
  cpuStream().wait();
}

std::unique_ptr<ConvolutionPass> convolutionForward(const ConvolutionSetup& setup, const dnnl::primitive_attr& attr) {
  const WindowGeometry& g = setup.geometry;
  const auto pd = forwardDesc(setup, attr);
  std::vector<std::pair<int, ConvOperand>> inputs, outputs;
  inputs.emplace_back(DNNL_ARG_SRC, ConvOperand(callerSrc(setup), pd.src_desc(), false));
  inputs.emplace_back(DNNL_ARG_WEIGHTS, ConvOperand(plainWeights(g), pd.weights_desc(), false));
  if (setup.bias) inputs.emplace_back(DNNL_ARG_BIAS, ConvOperand(pd.bias_desc(), pd.bias_desc(), false));
  outputs.emplace_back(DNNL_ARG_DST, ConvOperand(callerDst(setup), pd.dst_desc(), true));
  return std::make_unique<ConvolutionPass>(dnnl::convolution_forward(pd), std::move(inputs), std::move(outputs), pd.scratchpad_desc(), pd.impl_info_str());
}

std::unique_ptr<ConvolutionPass> convolutionBackwardData(const ConvolutionSetup& setup) {
  const WindowGeometry& g = setup.geometry;
  const auto hint = forwardDesc(setup, dnnl::primitive_attr());
  const auto make = [&](bool oneChannelAsIs) {
    const auto [src, weights, dst] = layoutsFor(setup, oneChannelAsIs);
    const dnnl::convolution_backward_data::desc desc(dnnl::algorithm::convolution_direct, src, weights, dst, g.strides(), g.dilates(), g.paddingL(), g.paddingR());
    return dnnl::convolution_backward_data::primitive_desc(desc, withOwnScratchpad(dnnl::primitive_attr()), cpuEngine(), hint);
  };
  auto pd = make(true);
  if (isReference(pd.impl_info_str()) && setup.layout == ConvLayout::chosenByOneDnn && setup.srcLayout == tag::undef) pd = make(false);
  std::vector<std::pair<int, ConvOperand>> inputs, outputs;
  inputs.emplace_back(DNNL_ARG_DIFF_DST, ConvOperand(callerDst(setup), pd.diff_dst_desc(), false));
  inputs.emplace_back(DNNL_ARG_WEIGHTS, ConvOperand(plainWeights(g), pd.weights_desc(), false));
  outputs.emplace_back(DNNL_ARG_DIFF_SRC, ConvOperand(callerSrc(setup), pd.diff_src_desc(), true));
  return std::make_unique<ConvolutionPass>(dnnl::convolution_backward_data(pd), std::move(inputs), std::move(outputs), pd.scratchpad_desc(), pd.impl_info_str());
}

std::unique_ptr<ConvolutionPass> convolutionBackwardWeights(const ConvolutionSetup& setup) {
  const WindowGeometry& g = setup.geometry;
  const auto hint = forwardDesc(setup, dnnl::primitive_attr());
  const auto make = [&](bool oneChannelAsIs) {
    const auto [src, weights, dst] = layoutsFor(setup, oneChannelAsIs);
    const auto algorithm = dnnl::algorithm::convolution_direct;
    const auto desc = setup.bias ? dnnl::convolution_backward_weights::desc(algorithm, src, weights, plainBias(g), dst, g.strides(), g.dilates(), g.paddingL(), g.paddingR())
                                 : dnnl::convolution_backward_weights::desc(algorithm, src, weights, dst, g.strides(), g.dilates(), g.paddingL(), g.paddingR());
    return dnnl::convolution_backward_weights::primitive_desc(desc, withOwnScratchpad(dnnl::primitive_attr()), cpuEngine(), hint);
  };
  auto pd = make(true);
  if (isReference(pd.impl_info_str()) && setup.layout == ConvLayout::chosenByOneDnn && setup.srcLayout == tag::undef) pd = make(false);
  std::vector<std::pair<int, ConvOperand>> inputs, outputs;
  inputs.emplace_back(DNNL_ARG_SRC, ConvOperand(callerSrc(setup), pd.src_desc(), false));
  inputs.emplace_back(DNNL_ARG_DIFF_DST, ConvOperand(callerDst(setup), pd.diff_dst_desc(), false));
  outputs.emplace_back(DNNL_ARG_DIFF_WEIGHTS, ConvOperand(plainWeights(g), pd.diff_weights_desc(), true));
  if (setup.bias) outputs.emplace_back(DNNL_ARG_DIFF_BIAS, ConvOperand(plainBias(g), pd.diff_bias_desc(), true));
  return std::make_unique<ConvolutionPass>(dnnl::convolution_backward_weights(pd), std::move(inputs), std::move(outputs), pd.scratchpad_desc(), pd.impl_info_str());
}

}  // namespace nnc
