// The one oneDNN convolution of the addon, on NHWC data and HWIO filters as tfjs stores them:
// forward, backward-data and backward-weights primitives with their memory descriptors. The kernel
// backend (conv.cc) and the compiled network (net_conv.cc) differ only in what they ask of it:
// the layouts each pass works in, a fused bias and activation, and who caches the passes.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "common.h"
#include "conv_geometry.h"

namespace nnc {

// Where oneDNN works on the caller's NHWC/HWIO arrays directly (plain), or chooses its own
// (blocked) layouts, with reorders to and from the caller's arrays at each call.
enum class ConvLayout { plain, chosenByOneDnn };

// What a convolution's passes are made from. `bias` says whether the forward pass adds a bias
// and the backward-weights pass sums its gradient; the backward passes' hint (the forward pass
// oneDNN makes them from) has the same bias and layout.
struct ConvolutionSetup {
  WindowGeometry geometry;
  bool bias = false;
  ConvLayout layout = ConvLayout::plain;
  // The compiled network keeps activations between its convolution and pooling layers in oneDNN's
  // channel-blocked layout (activationLayout(), nChw16c or nChw8c): where set, the caller's src
  // (and diff-src) or dst (and diff-dst) arrays are in that layout, used as they are, with no
  // reorder; where undef, they are NHWC. Only with ConvLayout::chosenByOneDnn.
  dnnl::memory::format_tag srcLayout = dnnl::memory::format_tag::undef, dstLayout = dnnl::memory::format_tag::undef;
};

// The channel-blocked layout oneDNN's direct convolutions work in on this CPU, chosen at run time
// from the instruction set oneDNN dispatches to (ONEDNN_MAX_CPU_ISA lowers it): nChw16c with
// AVX-512, nChw8c with AVX2, undef (keep NHWC) below AVX2. NNC_CONV_PLAIN=1 forces undef.
dnnl::memory::format_tag activationLayout();
// Channels rounded up to activationLayout()'s block (the padded channels oneDNN keeps at zero).
int64_t blockedChannels(int64_t channels);

// Which convolutions of a compiled network run as oneDNN's direct JIT convolutions on blocked
// arrays rather than im2col + sgemm on NHWC (column_convolution.h). Measured (bench/conv-peak.mjs,
// Xeon AVX-512): the direct kernels are about twice as fast for a few input channels (the GEMM's
// inner dimension is only kh·kw·ic), and slower from ~20 input channels on. `automatic` takes the
// direct ones below kDirectBelowChannels input channels with AVX-512, none with AVX2 (see
// prefersDirect). Set by NNC_CONV_DIRECT (auto, always, never) or setConvolutionChoice() (tests
// and benchmarks), read when a network is made.
using DirectChoice = Choice;
constexpr int64_t kDirectBelowChannels = 8;
DirectChoice& directConvolutions();
bool prefersDirect(const WindowGeometry& g);

// One operand of a primitive: the caller's array in tfjs's layout, and, when the primitive works
// in another layout, a buffer in it with the reorder between the two.
class ConvOperand {
 public:
  ConvOperand(const dnnl::memory::desc& plain, const dnnl::memory::desc& preferred, bool isOutput);
  // Points the operand at `data`; an input is converted now. Returns the memory the primitive uses.
  dnnl::memory& bindInput(const float* data);
  dnnl::memory& bindOutput(float* data);
  // Converts an output the primitive has written into the caller's array.
  void finishOutput();

 private:
  dnnl::memory user_, internal_;
  dnnl::reorder convert_;
  bool reordered_;
};

// One pass of a convolution: its primitive and its operands by oneDNN argument, inputs in the
// order `run` takes their arrays, outputs likewise.
class ConvolutionPass {
 public:
  ConvolutionPass(dnnl::primitive primitive, std::vector<std::pair<int, ConvOperand>> inputs, std::vector<std::pair<int, ConvOperand>> outputs,
                  const dnnl::memory::desc& scratchpad, std::string implementation)
      : primitive_(std::move(primitive)), inputs_(std::move(inputs)), outputs_(std::move(outputs)), implementation_(std::move(implementation)) {
    if (scratchpad.get_size() > 0) scratchpad_ = dnnl::memory(scratchpad, cpuEngine());
  }

  void run(const std::vector<const float*>& inputs, const std::vector<float*>& outputs);
  // oneDNN's name for the implementation it chose (NNC_NATIVE_VERBOSE).
  const std::string& implementation() const { return implementation_; }

 private:
  dnnl::primitive primitive_;
  std::vector<std::pair<int, ConvOperand>> inputs_, outputs_;
  dnnl::memory scratchpad_;  // the pass's own (oneDNN's user scratchpad mode), or none
  std::string implementation_;
};

// run({src, weights[, bias]}, {dst}); `attr` carries fused post-ops (the activation).
std::unique_ptr<ConvolutionPass> convolutionForward(const ConvolutionSetup& setup, const dnnl::primitive_attr& attr = dnnl::primitive_attr());
// run({diffDst, weights}, {diffSrc}).
std::unique_ptr<ConvolutionPass> convolutionBackwardData(const ConvolutionSetup& setup);
// run({src, diffDst}, {diffWeights[, diffBias]}).
std::unique_ptr<ConvolutionPass> convolutionBackwardWeights(const ConvolutionSetup& setup);

}  // namespace nnc
