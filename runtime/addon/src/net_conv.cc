// The compiled network's 2-D convolution (NHWC input, HWIO kernel as tfjs-layers stores it): for
// few input channels oneDNN's direct JIT convolution (convolution.h) on channel-blocked arrays
// (passes made once per batch size), otherwise im2col + sgemm over the whole batch (column_convolution.h). The
// forward pass always adds a bias (zeros when the layer has none), then the activation; the
// backward-weights pass sums the bias gradient too. The first layer skips backward-data.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>

#include "column_convolution.h"
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

  // Blocked arrays hold padded channels at zero: only activations with f(0) = 0 keep them so.
  bool blockable() const override {
    const Activation f = plan_.activation;
    return direct_ && (f == Activation::Linear || f == Activation::Relu || f == Activation::Tanh);
  }
  bool blocksFromPlain() const override { return true; }
  void useBlocked(bool in, bool out) override {
    blockedIn_ = in;
    blockedOut_ = out;
    const WindowGeometry& w = plan_.window;
    outStorage = out ? w.outHeight * w.outWidth * blockedChannels(w.outChannels) : 0;
    passes_.clear();
  }

  void forward(int64_t batch, const float* in, float* out, bool, MaskRandom&) override {
    if (!direct_) {
      columns_.forward(batch, in, kernel_->values, bias_ ? bias_->values : zeroBias_.data(), out);
      activate(plan_.activation, out, batch, outSize);
      return;
    }
    ConvPasses& p = passesFor(batch);
    useThreadsFor(flops(batch));
    p.forward->run({in, kernel_->values, bias_ ? bias_->values : zeroBias_.data()}, {out});
    // Element by element, so the layout does not matter (softmax is never blocked).
    activate(plan_.activation, out, batch, storedOut());
  }

  void backward(int64_t batch, const float* in, const float* out, const float* dOut, float* dIn) override {
    ConvPasses& p = passesFor(batch);
    dZ_.resize(batch * storedOut());
    activationGradient(plan_.activation, out, dOut, dZ_.data(), batch, storedOut());
    if (!direct_) {
      columns_.backwardWeights(batch, in, dZ_.data(), kernel_->gradient.data(), bias_ ? bias_->gradient.data() : biasGradientSink_.data());
      if (dIn) columns_.backwardData(batch, dZ_.data(), kernel_->values, dIn);
      return;
    }
    useThreadsFor(flops(batch));
    p.backwardWeights->run({in, dZ_.data()}, {kernel_->gradient.data(), bias_ ? bias_->gradient.data() : biasGradientSink_.data()});
    if (dIn) p.backwardData->run({dZ_.data(), kernel_->values}, {dIn});
  }

 private:
  double flops(int64_t batch) const { return plan_.window.withBatch(batch).convolutionFlops(); }

  // By batch size and thread count: oneDNN fixes a pass's thread team when it makes it, and one
  // made for two threads never finishes on a shard thread held to one (net_network.cc).
  ConvPasses& passesFor(int64_t batch) {
    const std::pair<int64_t, int> key{batch, useThreadsFor(flops(batch))};
    auto found = passes_.find(key);
    if (found != passes_.end()) return found->second;
    // oneDNN's direct convolutions in its own layouts where they win (prefersDirect), im2col + GEMM
    // on NHWC otherwise; a direct pass reorders an NHWC input or output inside the call, and the
    // weights at each call (they change every step).
    ConvolutionSetup setup{plan_.window.withBatch(batch), true, direct_ ? ConvLayout::chosenByOneDnn : ConvLayout::plain};
    if (blockedIn_) setup.srcLayout = activationLayout();
    if (blockedOut_) setup.dstLayout = activationLayout();
    ConvPasses made{convolutionForward(setup), convolutionBackwardData(setup), convolutionBackwardWeights(setup)};
    if (std::getenv("NNC_NATIVE_VERBOSE"))
      fprintf(stderr, "conv batch %ld: forward %s, data %s, weights %s\n", static_cast<long>(batch), made.forward->implementation().c_str(),
              made.backwardData->implementation().c_str(), made.backwardWeights->implementation().c_str());
    return passes_.emplace(key, std::move(made)).first->second;
  }

  PlannedConv plan_;
  Parameter* kernel_;
  Parameter* bias_;
  std::vector<float> zeroBias_, biasGradientSink_, dZ_;
  ColumnConvolution columns_{plan_.window};
  std::map<std::pair<int64_t, int>, ConvPasses> passes_;
  bool blockedIn_ = false, blockedOut_ = false;
  const bool direct_ = prefersDirect(plan_.window);
};

// setConvolutionChoice("auto" | "always" | "never") → the previous choice: which convolutions
// networks made from now on run direct (convolution.h); for tests and benchmarks.
Napi::Value SetConvolutionChoice(const Napi::CallbackInfo& info) { return setChoice(info, directConvolutions(), "the convolution choice"); }

const Registration registration("setConvolutionChoice", SetConvolutionChoice);

}  // namespace

std::unique_ptr<Layer> makeConv(const PlannedConv& plan, Parameter* kernel, Parameter* bias) { return std::make_unique<Conv>(plan, kernel, bias); }

}  // namespace nnc::net
