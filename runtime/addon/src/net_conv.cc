// A 2-D convolution (NHWC input, HWIO kernel as tfjs-layers stores it) on oneDNN's forward,
// backward-data and backward-weights primitives, which also sums the bias gradient. Primitives
// are made once per batch size.
#include <map>

#include "net_layer.h"

namespace nnc::net {
namespace {

using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;
using dnnl::memory;

struct ConvPlan {
  int threads;
  dnnl::convolution_forward forward;
  dnnl::convolution_backward_data backwardData;
  dnnl::convolution_backward_weights backwardWeights;
  memory src, weights, bias, dst, diffSrc, diffWeights, diffBias, diffDst;
};

class Conv : public Layer {
 public:
  Conv(const ConvSpec& spec, Parameter* kernel, Parameter* bias) : s_(spec), kernel_(kernel), bias_(bias) {
    inSize = s_.h * s_.w * s_.c;
    outSize = s_.oh * s_.ow * s_.filters;
    parameters.push_back(kernel);
    if (bias) parameters.push_back(bias);
    zeroBias_.assign(s_.filters, 0.f);
    biasGradientSink_.assign(s_.filters, 0.f);
  }

  void forward(int64_t batch, const float* in, float* out, bool, MaskRandom&) override {
    ConvPlan& p = planFor(batch);
    useThreadsFor(flops(batch));
    p.src.set_data_handle(const_cast<float*>(in));
    p.weights.set_data_handle(kernel_->values);
    p.bias.set_data_handle(bias_ ? bias_->values : zeroBias_.data());
    p.dst.set_data_handle(out);
    p.forward.execute(cpuStream(), {{DNNL_ARG_SRC, p.src}, {DNNL_ARG_WEIGHTS, p.weights}, {DNNL_ARG_BIAS, p.bias}, {DNNL_ARG_DST, p.dst}});
    cpuStream().wait();
    activate(s_.activation, out, batch, outSize);
  }

  void backward(int64_t batch, const float* in, const float* out, const float* dOut, float* dIn) override {
    ConvPlan& p = planFor(batch);
    dZ_.resize(batch * outSize);
    activationGradient(s_.activation, out, dOut, dZ_.data(), batch, outSize);
    useThreadsFor(flops(batch));
    p.src.set_data_handle(const_cast<float*>(in));
    p.diffDst.set_data_handle(dZ_.data());
    p.diffWeights.set_data_handle(kernel_->gradient.data());
    p.diffBias.set_data_handle(bias_ ? bias_->gradient.data() : biasGradientSink_.data());
    p.backwardWeights.execute(cpuStream(), {{DNNL_ARG_SRC, p.src}, {DNNL_ARG_DIFF_DST, p.diffDst}, {DNNL_ARG_DIFF_WEIGHTS, p.diffWeights}, {DNNL_ARG_DIFF_BIAS, p.diffBias}});
    if (dIn) {
      p.weights.set_data_handle(kernel_->values);
      p.diffSrc.set_data_handle(dIn);
      p.backwardData.execute(cpuStream(), {{DNNL_ARG_DIFF_DST, p.diffDst}, {DNNL_ARG_WEIGHTS, p.weights}, {DNNL_ARG_DIFF_SRC, p.diffSrc}});
    }
    cpuStream().wait();
  }

 private:
  double flops(int64_t batch) const { return 2.0 * batch * s_.oh * s_.ow * s_.filters * s_.kh * s_.kw * s_.c; }

  ConvPlan& planFor(int64_t batch) {
    auto found = plans_.find(batch);
    if (found != plans_.end()) return found->second;
    const int threads = useThreadsFor(flops(batch));
    auto& engine = cpuEngine();
    const memory::desc srcDesc({batch, s_.c, s_.h, s_.w}, dt::f32, tag::nhwc);
    const memory::desc weightsDesc({s_.filters, s_.c, s_.kh, s_.kw}, dt::f32, tag::hwio);
    const memory::desc biasDesc({s_.filters}, dt::f32, tag::a);
    const memory::desc dstDesc({batch, s_.filters, s_.oh, s_.ow}, dt::f32, tag::nhwc);
    const memory::dims strides{s_.sh, s_.sw}, dilates{s_.dh - 1, s_.dw - 1};
    const memory::dims padL{s_.padTop, s_.padLeft}, padR{s_.padBottom, s_.padRight};
    const dnnl::convolution_forward::primitive_desc forwardPd(
        dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct, srcDesc, weightsDesc, biasDesc, dstDesc, strides, dilates, padL, padR),
        engine);
    const dnnl::convolution_backward_data::primitive_desc dataPd(
        dnnl::convolution_backward_data::desc(dnnl::algorithm::convolution_direct, srcDesc, weightsDesc, dstDesc, strides, dilates, padL, padR), engine, forwardPd);
    const dnnl::convolution_backward_weights::primitive_desc weightsPd(
        dnnl::convolution_backward_weights::desc(dnnl::algorithm::convolution_direct, srcDesc, weightsDesc, biasDesc, dstDesc, strides, dilates, padL, padR), engine,
        forwardPd);
    ConvPlan plan{threads,
                  dnnl::convolution_forward(forwardPd),
                  dnnl::convolution_backward_data(dataPd),
                  dnnl::convolution_backward_weights(weightsPd),
                  memory(srcDesc, engine, nullptr),
                  memory(weightsDesc, engine, nullptr),
                  memory(biasDesc, engine, nullptr),
                  memory(dstDesc, engine, nullptr),
                  memory(srcDesc, engine, nullptr),
                  memory(weightsDesc, engine, nullptr),
                  memory(biasDesc, engine, nullptr),
                  memory(dstDesc, engine, nullptr)};
    if (std::getenv("NNC_NATIVE_VERBOSE"))
      fprintf(stderr, "conv batch %ld: forward %s, data %s, weights %s\n", static_cast<long>(batch), forwardPd.impl_info_str(), dataPd.impl_info_str(), weightsPd.impl_info_str());
    return plans_.emplace(batch, std::move(plan)).first->second;
  }

  ConvSpec s_;
  Parameter* kernel_;
  Parameter* bias_;
  std::vector<float> zeroBias_, biasGradientSink_, dZ_;
  std::map<int64_t, ConvPlan> plans_;
};

}  // namespace

std::unique_ptr<Layer> makeConv(const ConvSpec& spec, Parameter* kernel, Parameter* bias) { return std::make_unique<Conv>(spec, kernel, bias); }

}  // namespace nnc::net
