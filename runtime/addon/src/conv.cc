// The kernel backend's Conv2D and FusedConv2D (bias and activation fused as oneDNN post-ops),
// Conv2DBackpropInput and Conv2DBackpropFilter, on the shared convolution (convolution.h). Each
// pass is cached by geometry and thread count.
#include <cstdlib>
#include <memory>
#include <string>
#include <unordered_map>

#include "activation.h"
#include "common.h"
#include "conv_geometry.h"
#include "convolution.h"

namespace nnc {
namespace {

enum class Pass { forward, backwardData, backwardFilter };

// Whether oneDNN chooses the operands' layouts (blocked ones, reordered each call) or works on
// tfjs's NHWC/HWIO directly. Measured on the lectures' CNN (2-core AVX2, oneDNN 2.6, batch 10
// and 32): the forward pass runs 1.3–3× faster blocked (jit:avx2) than on NHWC (gemm), reorders
// included; the backward passes run up to 2.5× faster on NHWC, where reordering three operands
// costs more than the blocked kernels save. NNC_CONV_LAYOUT=any|plain forces one choice on every pass, to measure again.
ConvLayout layoutFor(Pass pass) {
  static const std::string forced = [] {
    const char* choice = std::getenv("NNC_CONV_LAYOUT");
    return std::string(choice ? choice : "");
  }();
  const bool chosen = forced == "any" || forced == "plain" ? forced == "any" : pass == Pass::forward;
  return chosen ? ConvLayout::chosenByOneDnn : ConvLayout::plain;
}

// The pass, made on first use; keyed by the thread count it runs with, too.
ConvolutionPass& passFor(Pass pass, const WindowGeometry& g, bool hasBias, const std::string& activation, float alpha, int threads) {
  static std::unordered_map<std::string, std::unique_ptr<ConvolutionPass>> cache;
  const std::string key = keyOf(g.numbers()) + keyOf({static_cast<int64_t>(pass), hasBias, threads}) + activation + ":" + std::to_string(alpha);
  auto found = cache.find(key);
  if (found != cache.end()) return *found->second;
  const ConvolutionSetup setup{g, hasBias, layoutFor(pass)};
  std::unique_ptr<ConvolutionPass> made = pass == Pass::forward        ? convolutionForward(setup, activationAttr(activation, alpha))
                                          : pass == Pass::backwardData ? convolutionBackwardData(setup)
                                                                       : convolutionBackwardWeights(setup);
  return *cache.emplace(key, std::move(made)).first->second;
}

// convForward(x, filter, bias | null, geometry[17], activation, alpha, out)
Napi::Value ConvForward(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const WindowGeometry g = WindowGeometry::fromNumbers(dimsAt(info, 3));
    const bool hasBias = info[2].IsTypedArray();
    const int threads = useThreadsFor(g.convolutionFlops());
    ConvolutionPass& pass = passFor(Pass::forward, g, hasBias, stringAt(info, 4), static_cast<float>(numberAt(info, 5)), threads);
    std::vector<const float*> inputs{floatsAt(info, 0), floatsAt(info, 1)};
    if (hasBias) inputs.push_back(floatsAt(info, 2));
    pass.run(inputs, {floatsAt(info, 6)});
  });
}

// convBackwardData(dy, filter, geometry[17], dx)
Napi::Value ConvBackwardData(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const WindowGeometry g = WindowGeometry::fromNumbers(dimsAt(info, 2));
    const int threads = useThreadsFor(g.convolutionFlops());
    passFor(Pass::backwardData, g, false, "", 0.f, threads).run({floatsAt(info, 0), floatsAt(info, 1)}, {floatsAt(info, 3)});
  });
}

// convBackwardFilter(x, dy, geometry[17], dFilter)
Napi::Value ConvBackwardFilter(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const WindowGeometry g = WindowGeometry::fromNumbers(dimsAt(info, 2));
    const int threads = useThreadsFor(g.convolutionFlops());
    passFor(Pass::backwardFilter, g, false, "", 0.f, threads).run({floatsAt(info, 0), floatsAt(info, 1)}, {floatsAt(info, 3)});
  });
}

const Registration forward("convForward", ConvForward);
const Registration backwardData("convBackwardData", ConvBackwardData);
const Registration backwardFilter("convBackwardFilter", ConvBackwardFilter);

}  // namespace
}  // namespace nnc
