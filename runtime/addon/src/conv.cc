// Conv2D and FusedConv2D (bias and activation fused as oneDNN post-ops), Conv2DBackpropInput and
// Conv2DBackpropFilter, on NHWC data and HWIO filters as tfjs stores them. Each pass is a oneDNN
// primitive cached by geometry; where oneDNN prefers another layout for an operand, the plan
// holds that layout's buffer and the reorder to or from the caller's array.
#include <cstdlib>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "activation.h"
#include "common.h"
#include "conv_geometry.h"

namespace nnc {
namespace {

using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;
using dnnl::memory;

enum class Pass { forward, backwardData, backwardFilter };

// One operand of a primitive: the caller's array in tfjs's layout, and, when the primitive works
// in another layout, a buffer in it with the reorder between the two.
class Operand {
 public:
  Operand(const memory::desc& plain, const memory::desc& preferred, bool isOutput)
      : user_(plain, cpuEngine(), nullptr), reordered_(plain != preferred) {
    if (!reordered_) return;
    internal_ = memory(preferred, cpuEngine());
    convert_ = isOutput ? dnnl::reorder(internal_, user_) : dnnl::reorder(user_, internal_);
  }

  // Points the operand at `data`; an input is converted now. Returns the memory the primitive uses.
  memory& bindInput(float* data) {
    user_.set_data_handle(data);
    if (!reordered_) return user_;
    convert_.execute(cpuStream(), user_, internal_);
    return internal_;
  }
  memory& bindOutput(float* data) {
    user_.set_data_handle(data);
    return reordered_ ? internal_ : user_;
  }
  // Converts an output the primitive has written into the caller's array.
  void finishOutput() {
    if (reordered_) convert_.execute(cpuStream(), internal_, user_);
  }

 private:
  memory user_, internal_;
  dnnl::reorder convert_;
  bool reordered_;
};

struct ConvPlan {
  dnnl::primitive primitive;
  std::vector<std::pair<int, Operand>> inputs;  // by oneDNN argument, in the order the call passes them
  int outputArg;
  Operand output;
};

memory::desc plainSrc(const WindowGeometry& g) { return memory::desc(g.srcDims(), dt::f32, tag::nhwc); }
memory::desc plainDst(const WindowGeometry& g) { return memory::desc(g.dstDims(), dt::f32, tag::nhwc); }
memory::desc plainWeights(const WindowGeometry& g) { return memory::desc(g.weightsDims(), dt::f32, tag::hwio); }

// The descriptors a primitive is made from: tfjs's layouts, or `any` to let oneDNN choose.
struct Layouts {
  memory::desc src, weights, dst;
};
Layouts layoutsFor(const WindowGeometry& g, bool any) {
  if (!any) return {plainSrc(g), plainWeights(g), plainDst(g)};
  const auto anyOf = [](const memory::dims& dims) { return memory::desc(dims, dt::f32, tag::any); };
  return {anyOf(g.srcDims()), anyOf(g.weightsDims()), anyOf(g.dstDims())};
}

// Whether oneDNN chooses the operands' layouts (blocked ones, reordered each call) or works on
// tfjs's NHWC/HWIO directly. Measured on the lectures' CNN (2-core AVX2, oneDNN 2.6, batch 10
// and 32): the forward pass runs 1.3–3× faster blocked (jit:avx2) than on NHWC (gemm), reorders
// included; the backward passes run up to 2.5× faster on NHWC, where reordering three operands
// costs more than the blocked kernels save. NNC_CONV_LAYOUT=any|plain forces one choice on every pass, to measure again.
bool oneDnnChoosesLayout(Pass pass) {
  static const std::string forced = [] {
    const char* choice = std::getenv("NNC_CONV_LAYOUT");
    return std::string(choice ? choice : "");
  }();
  if (forced == "any" || forced == "plain") return forced == "any";
  return pass == Pass::forward;
}

// The forward pass, or the hint a backward pass is made from (which must agree on the layout choice).
dnnl::convolution_forward::primitive_desc forwardDesc(const WindowGeometry& g, bool hasBias, const dnnl::primitive_attr& attr, bool any) {
  const auto [src, weights, dst] = layoutsFor(g, any);
  const memory::desc bias({g.outChannels}, dt::f32, tag::a);
  const auto kind = dnnl::prop_kind::forward_training;
  const auto algorithm = dnnl::algorithm::convolution_direct;
  const auto desc = hasBias ? dnnl::convolution_forward::desc(kind, algorithm, src, weights, bias, dst, g.strides(), g.dilates(), g.paddingL(), g.paddingR())
                            : dnnl::convolution_forward::desc(kind, algorithm, src, weights, dst, g.strides(), g.dilates(), g.paddingL(), g.paddingR());
  return dnnl::convolution_forward::primitive_desc(desc, attr, cpuEngine());
}

std::unique_ptr<ConvPlan> makeForwardPlan(const WindowGeometry& g, bool hasBias, const std::string& activation, float alpha) {
  const auto pd = forwardDesc(g, hasBias, activationAttr(activation, alpha), oneDnnChoosesLayout(Pass::forward));
  std::vector<std::pair<int, Operand>> inputs;
  inputs.emplace_back(DNNL_ARG_SRC, Operand(plainSrc(g), pd.src_desc(), false));
  inputs.emplace_back(DNNL_ARG_WEIGHTS, Operand(plainWeights(g), pd.weights_desc(), false));
  if (hasBias) inputs.emplace_back(DNNL_ARG_BIAS, Operand(pd.bias_desc(), pd.bias_desc(), false));
  return std::make_unique<ConvPlan>(ConvPlan{dnnl::convolution_forward(pd), std::move(inputs), DNNL_ARG_DST, Operand(plainDst(g), pd.dst_desc(), true)});
}

// A backward pass's primitive descriptor; oneDNN makes it from the forward pass's as a hint.
template <typename Primitive>
typename Primitive::primitive_desc backwardDesc(const WindowGeometry& g, Pass pass) {
  const bool any = oneDnnChoosesLayout(pass);
  const auto hint = forwardDesc(g, false, dnnl::primitive_attr(), any);
  const auto [src, weights, dst] = layoutsFor(g, any);
  const typename Primitive::desc desc(dnnl::algorithm::convolution_direct, src, weights, dst, g.strides(), g.dilates(), g.paddingL(), g.paddingR());
  return typename Primitive::primitive_desc(desc, cpuEngine(), hint);
}

std::unique_ptr<ConvPlan> makeBackwardDataPlan(const WindowGeometry& g) {
  const auto pd = backwardDesc<dnnl::convolution_backward_data>(g, Pass::backwardData);
  std::vector<std::pair<int, Operand>> inputs;
  inputs.emplace_back(DNNL_ARG_DIFF_DST, Operand(plainDst(g), pd.diff_dst_desc(), false));
  inputs.emplace_back(DNNL_ARG_WEIGHTS, Operand(plainWeights(g), pd.weights_desc(), false));
  return std::make_unique<ConvPlan>(
      ConvPlan{dnnl::convolution_backward_data(pd), std::move(inputs), DNNL_ARG_DIFF_SRC, Operand(plainSrc(g), pd.diff_src_desc(), true)});
}

std::unique_ptr<ConvPlan> makeBackwardFilterPlan(const WindowGeometry& g) {
  const auto pd = backwardDesc<dnnl::convolution_backward_weights>(g, Pass::backwardFilter);
  std::vector<std::pair<int, Operand>> inputs;
  inputs.emplace_back(DNNL_ARG_SRC, Operand(plainSrc(g), pd.src_desc(), false));
  inputs.emplace_back(DNNL_ARG_DIFF_DST, Operand(plainDst(g), pd.diff_dst_desc(), false));
  return std::make_unique<ConvPlan>(
      ConvPlan{dnnl::convolution_backward_weights(pd), std::move(inputs), DNNL_ARG_DIFF_WEIGHTS, Operand(plainWeights(g), pd.diff_weights_desc(), true)});
}

// The plan for a pass, made on first use; keyed by the thread count it runs with, too.
ConvPlan& planFor(Pass pass, const WindowGeometry& g, bool hasBias, const std::string& activation, float alpha, int threads) {
  static std::unordered_map<std::string, std::unique_ptr<ConvPlan>> cache;
  const std::string key = keyOf(g.values()) + keyOf({static_cast<int64_t>(pass), hasBias, threads}) + activation + ":" + std::to_string(alpha);
  auto found = cache.find(key);
  if (found != cache.end()) return *found->second;
  std::unique_ptr<ConvPlan> plan = pass == Pass::forward        ? makeForwardPlan(g, hasBias, activation, alpha)
                                   : pass == Pass::backwardData ? makeBackwardDataPlan(g)
                                                                : makeBackwardFilterPlan(g);
  return *cache.emplace(key, std::move(plan)).first->second;
}

void run(ConvPlan& plan, const std::vector<float*>& inputs, float* output) {
  std::unordered_map<int, memory> args;
  for (size_t i = 0; i < inputs.size(); i++) args.emplace(plan.inputs[i].first, plan.inputs[i].second.bindInput(inputs[i]));
  args.emplace(plan.outputArg, plan.output.bindOutput(output));
  plan.primitive.execute(cpuStream(), args);
  plan.output.finishOutput();
  cpuStream().wait();
}

// convForward(x, filter, bias | null, geometry[17], activation, alpha, out)
Napi::Value ConvForward(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const WindowGeometry g(dimsAt(info, 3));
    const bool hasBias = info[2].IsTypedArray();
    const int threads = useThreadsFor(g.convolutionFlops());
    ConvPlan& plan = planFor(Pass::forward, g, hasBias, stringAt(info, 4), static_cast<float>(numberAt(info, 5)), threads);
    std::vector<float*> inputs{floatsAt(info, 0), floatsAt(info, 1)};
    if (hasBias) inputs.push_back(floatsAt(info, 2));
    run(plan, inputs, floatsAt(info, 6));
  });
}

// convBackwardData(dy, filter, geometry[17], dx)
Napi::Value ConvBackwardData(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const WindowGeometry g(dimsAt(info, 2));
    const int threads = useThreadsFor(g.convolutionFlops());
    run(planFor(Pass::backwardData, g, false, "", 0.f, threads), {floatsAt(info, 0), floatsAt(info, 1)}, floatsAt(info, 3));
  });
}

// convBackwardFilter(x, dy, geometry[17], dFilter)
Napi::Value ConvBackwardFilter(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const WindowGeometry g(dimsAt(info, 2));
    const int threads = useThreadsFor(g.convolutionFlops());
    run(planFor(Pass::backwardFilter, g, false, "", 0.f, threads), {floatsAt(info, 0), floatsAt(info, 1)}, floatsAt(info, 3));
  });
}

const Registration forward("convForward", ConvForward);
const Registration backwardData("convBackwardData", ConvBackwardData);
const Registration backwardFilter("convBackwardFilter", ConvBackwardFilter);

}  // namespace
}  // namespace nnc
