// The compiled network's 2-D convolution (NHWC input, HWIO kernel as tfjs-layers stores it), on
// the shared convolution (convolution.h): all three passes on the plain layouts, the forward pass
// always with a bias (zeros when the layer has none) and the activation applied after it, the
// backward-weights pass summing the bias gradient too. Passes are made once per batch size.
#include <cstdio>
#include <cstdlib>
#include <map>

#include "convolution.h"
#include "net_layer.h"

namespace nnc::net {
namespace {

struct ConvPasses {
  std::unique_ptr<ConvolutionPass> forward, backwardData, backwardWeights;
};

class Conv : public Layer {
 public:
  Conv(const PlannedConv& plan, Parameter* kernel, Parameter* bias) : plan_(plan), kernel_(kernel), bias_(bias) {
    inSize = plan_.window.inSize();
    outSize = plan_.window.outSize();
    parameters.push_back(kernel);
    if (bias) parameters.push_back(bias);
    zeroBias_.assign(plan_.window.outChannels, 0.f);
    biasGradientSink_.assign(plan_.window.outChannels, 0.f);
  }

  void forward(int64_t batch, const float* in, float* out, bool, MaskRandom&) override {
    ConvPasses& p = passesFor(batch);
    useThreadsFor(flops(batch));
    p.forward->run({in, kernel_->values, bias_ ? bias_->values : zeroBias_.data()}, {out});
    activate(plan_.activation, out, batch, outSize);
  }

  void backward(int64_t batch, const float* in, const float* out, const float* dOut, float* dIn) override {
    ConvPasses& p = passesFor(batch);
    dZ_.resize(batch * outSize);
    activationGradient(plan_.activation, out, dOut, dZ_.data(), batch, outSize);
    useThreadsFor(flops(batch));
    p.backwardWeights->run({in, dZ_.data()}, {kernel_->gradient.data(), bias_ ? bias_->gradient.data() : biasGradientSink_.data()});
    if (dIn) p.backwardData->run({dZ_.data(), kernel_->values}, {dIn});
  }

 private:
  double flops(int64_t batch) const { return plan_.window.withBatch(batch).convolutionFlops(); }

  ConvPasses& passesFor(int64_t batch) {
    auto found = passes_.find(batch);
    if (found != passes_.end()) return found->second;
    useThreadsFor(flops(batch));
    const ConvolutionSetup setup{plan_.window.withBatch(batch), true, ConvLayout::plain};
    ConvPasses made{convolutionForward(setup), convolutionBackwardData(setup), convolutionBackwardWeights(setup)};
    if (std::getenv("NNC_NATIVE_VERBOSE"))
      fprintf(stderr, "conv batch %ld: forward %s, data %s, weights %s\n", static_cast<long>(batch), made.forward->implementation().c_str(),
              made.backwardData->implementation().c_str(), made.backwardWeights->implementation().c_str());
    return passes_.emplace(batch, std::move(made)).first->second;
  }

  PlannedConv plan_;
  Parameter* kernel_;
  Parameter* bias_;
  std::vector<float> zeroBias_, biasGradientSink_, dZ_;
  std::map<int64_t, ConvPasses> passes_;
};

}  // namespace

std::unique_ptr<Layer> makeConv(const PlannedConv& plan, Parameter* kernel, Parameter* bias) { return std::make_unique<Conv>(plan, kernel, bias); }

}  // namespace nnc::net
