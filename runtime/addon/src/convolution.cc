// The oneDNN convolution both callers share (convolution.h).
#include "convolution.h"

#include <unordered_map>

namespace nnc {
namespace {

using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;
using dnnl::memory;

memory::desc plainSrc(const WindowGeometry& g) { return memory::desc(g.srcDims(), dt::f32, tag::nhwc); }
memory::desc plainDst(const WindowGeometry& g) { return memory::desc(g.dstDims(), dt::f32, tag::nhwc); }
memory::desc plainWeights(const WindowGeometry& g) { return memory::desc(g.weightsDims(), dt::f32, tag::hwio); }
memory::desc plainBias(const WindowGeometry& g) { return memory::desc({g.outChannels}, dt::f32, tag::a); }

// The descriptors a primitive is made from: tfjs's layouts, or `any` to let oneDNN choose.
struct Layouts {
  memory::desc src, weights, dst;
};
Layouts layoutsFor(const ConvolutionSetup& setup) {
  const WindowGeometry& g = setup.geometry;
  if (setup.layout == ConvLayout::plain) return {plainSrc(g), plainWeights(g), plainDst(g)};
  const auto anyOf = [](const memory::dims& dims) { return memory::desc(dims, dt::f32, tag::any); };
  return {anyOf(g.srcDims()), anyOf(g.weightsDims()), anyOf(g.dstDims())};
}

// The forward pass, or the hint a backward pass is made from.
dnnl::convolution_forward::primitive_desc forwardDesc(const ConvolutionSetup& setup, const dnnl::primitive_attr& attr) {
  const WindowGeometry& g = setup.geometry;
  const auto [src, weights, dst] = layoutsFor(setup);
  const auto kind = dnnl::prop_kind::forward_training;
  const auto algorithm = dnnl::algorithm::convolution_direct;
  const auto desc = setup.bias ? dnnl::convolution_forward::desc(kind, algorithm, src, weights, plainBias(g), dst, g.strides(), g.dilates(), g.paddingL(), g.paddingR())
                               : dnnl::convolution_forward::desc(kind, algorithm, src, weights, dst, g.strides(), g.dilates(), g.paddingL(), g.paddingR());
  return dnnl::convolution_forward::primitive_desc(desc, attr, cpuEngine());
}

}  // namespace

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
  primitive_.execute(cpuStream(), args);
  for (size_t i = 0; i < outputs.size(); i++) outputs_[i].second.finishOutput();
  cpuStream().wait();
}

std::unique_ptr<ConvolutionPass> convolutionForward(const ConvolutionSetup& setup, const dnnl::primitive_attr& attr) {
  const WindowGeometry& g = setup.geometry;
  const auto pd = forwardDesc(setup, attr);
  std::vector<std::pair<int, ConvOperand>> inputs, outputs;
  inputs.emplace_back(DNNL_ARG_SRC, ConvOperand(plainSrc(g), pd.src_desc(), false));
  inputs.emplace_back(DNNL_ARG_WEIGHTS, ConvOperand(plainWeights(g), pd.weights_desc(), false));
  if (setup.bias) inputs.emplace_back(DNNL_ARG_BIAS, ConvOperand(pd.bias_desc(), pd.bias_desc(), false));
  outputs.emplace_back(DNNL_ARG_DST, ConvOperand(plainDst(g), pd.dst_desc(), true));
  return std::make_unique<ConvolutionPass>(dnnl::convolution_forward(pd), std::move(inputs), std::move(outputs), pd.impl_info_str());
}

std::unique_ptr<ConvolutionPass> convolutionBackwardData(const ConvolutionSetup& setup) {
  const WindowGeometry& g = setup.geometry;
  const auto hint = forwardDesc(setup, dnnl::primitive_attr());
  const auto [src, weights, dst] = layoutsFor(setup);
  const dnnl::convolution_backward_data::desc desc(dnnl::algorithm::convolution_direct, src, weights, dst, g.strides(), g.dilates(), g.paddingL(), g.paddingR());
  const dnnl::convolution_backward_data::primitive_desc pd(desc, cpuEngine(), hint);
  std::vector<std::pair<int, ConvOperand>> inputs, outputs;
  inputs.emplace_back(DNNL_ARG_DIFF_DST, ConvOperand(plainDst(g), pd.diff_dst_desc(), false));
  inputs.emplace_back(DNNL_ARG_WEIGHTS, ConvOperand(plainWeights(g), pd.weights_desc(), false));
  outputs.emplace_back(DNNL_ARG_DIFF_SRC, ConvOperand(plainSrc(g), pd.diff_src_desc(), true));
  return std::make_unique<ConvolutionPass>(dnnl::convolution_backward_data(pd), std::move(inputs), std::move(outputs), pd.impl_info_str());
}

std::unique_ptr<ConvolutionPass> convolutionBackwardWeights(const ConvolutionSetup& setup) {
  const WindowGeometry& g = setup.geometry;
  const auto hint = forwardDesc(setup, dnnl::primitive_attr());
  const auto [src, weights, dst] = layoutsFor(setup);
  const auto algorithm = dnnl::algorithm::convolution_direct;
  const auto desc = setup.bias ? dnnl::convolution_backward_weights::desc(algorithm, src, weights, plainBias(g), dst, g.strides(), g.dilates(), g.paddingL(), g.paddingR())
                               : dnnl::convolution_backward_weights::desc(algorithm, src, weights, dst, g.strides(), g.dilates(), g.paddingL(), g.paddingR());
  const dnnl::convolution_backward_weights::primitive_desc pd(desc, cpuEngine(), hint);
  std::vector<std::pair<int, ConvOperand>> inputs, outputs;
  inputs.emplace_back(DNNL_ARG_SRC, ConvOperand(plainSrc(g), pd.src_desc(), false));
  inputs.emplace_back(DNNL_ARG_DIFF_DST, ConvOperand(plainDst(g), pd.diff_dst_desc(), false));
  outputs.emplace_back(DNNL_ARG_DIFF_WEIGHTS, ConvOperand(plainWeights(g), pd.diff_weights_desc(), true));
  if (setup.bias) outputs.emplace_back(DNNL_ARG_DIFF_BIAS, ConvOperand(plainBias(g), pd.diff_bias_desc(), true));
  return std::make_unique<ConvolutionPass>(dnnl::convolution_backward_weights(pd), std::move(inputs), std::move(outputs), pd.impl_info_str());
}

}  // namespace nnc
