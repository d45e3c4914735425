// MaxPool, AvgPool, MaxPoolGrad and AvgPoolGrad on NHWC data, as oneDNN pooling primitives cached
// by geometry. Pooling is memory-bound, so it works on tfjs's layout directly, without reorders.
// tfjs's kernels count padding differently, and these match their numbers:
// - AvgPool divides each window's sum by its in-bounds elements (pooling_avg_exclude_padding);
// - AvgPoolGrad spreads each gradient over the whole filter size, padding included
//   (pooling_avg_include_padding). Where a window overlaps the padding ('same', explicit) that is
//   not the gradient of tfjs's own AvgPool, which excluded it: tfjs's cpu kernel is wrong there,
//   and so, deliberately, is this one;
// - MaxPoolGrad gets no argmax from tfjs: its plan reruns the forward pooling to fill oneDNN's
//   workspace, into a scratch output, then runs the backward pooling from it.
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "common.h"
#include "conv_geometry.h"

namespace nnc {
namespace {

using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;
using dnnl::memory;

enum class Pass { maxForward, avgForward, maxBackward, avgBackward };

struct PoolPlan {
  dnnl::primitive forward, backward;  // maxBackward has both; the others one
  memory src, dst, diffDst, diffSrc, workspace;
  std::vector<float> maskedDy;  // MaxPoolGrad's dy where windows have no max (see gradientOfNonEmptyMaxima)
};

dnnl::algorithm algorithmOf(Pass pass) {
  switch (pass) {
    case Pass::maxForward:
    case Pass::maxBackward: return dnnl::algorithm::pooling_max;
    case Pass::avgForward: return dnnl::algorithm::pooling_avg_exclude_padding;
    case Pass::avgBackward: return dnnl::algorithm::pooling_avg_include_padding;
  }
  throw std::invalid_argument("unknown pooling pass");
}

std::unique_ptr<PoolPlan> makePlan(Pass pass, const WindowGeometry& g) {
  auto& engine = cpuEngine();
  const memory::desc src(g.srcDims(), dt::f32, tag::nhwc), dst(g.dstDims(), dt::f32, tag::nhwc);
  const bool forwardOnly = pass == Pass::maxForward || pass == Pass::avgForward;
  const dnnl::pooling_forward::desc forwardDesc(forwardOnly ? dnnl::prop_kind::forward_inference : dnnl::prop_kind::forward_training, algorithmOf(pass),
                                                src, dst, g.strides(), g.kernel(), g.paddingL(), g.paddingR());
  const dnnl::pooling_forward::primitive_desc forwardPd(forwardDesc, engine);
  auto plan = std::make_unique<PoolPlan>();
  if (forwardOnly) {
    plan->forward = dnnl::pooling_forward(forwardPd);
    plan->src = memory(src, engine, nullptr);
    plan->dst = memory(dst, engine, nullptr);
    return plan;
  }
  const dnnl::pooling_backward::desc backwardDesc(algorithmOf(pass), src, dst, g.strides(), g.kernel(), g.paddingL(), g.paddingR());
  const dnnl::pooling_backward::primitive_desc backwardPd(backwardDesc, engine, forwardPd);
  plan->backward = dnnl::pooling_backward(backwardPd);
  plan->diffDst = memory(dst, engine, nullptr);
  plan->diffSrc = memory(src, engine, nullptr);
  if (pass == Pass::maxBackward) {
    plan->forward = dnnl::pooling_forward(forwardPd);
    plan->src = memory(src, engine, nullptr);
    plan->dst = memory(dst, engine);  // scratch: tfjs has the output already
    plan->workspace = memory(forwardPd.workspace_desc(), engine);
  }
  return plan;
}

// The plan for a pass, made on first use; keyed by the thread count it runs with, too.
PoolPlan& planFor(Pass pass, const WindowGeometry& g, int threads) {
  static std::unordered_map<std::string, std::unique_ptr<PoolPlan>> cache;
  const std::string key = keyOf(g.values()) + keyOf({static_cast<int64_t>(pass), threads});
  auto found = cache.find(key);
  if (found != cache.end()) return *found->second;
  return *cache.emplace(key, makePlan(pass, g)).first->second;
}

// tfjs routes no gradient from a window without a max (NaN and -∞ alone); oneDNN's workspace
// names its first element. `dy`, or when there are such windows, a copy with their gradient zeroed.
float* gradientOfNonEmptyMaxima(PoolPlan& plan, float* dy, size_t length) {
  const float lowest = std::numeric_limits<float>::lowest();
  const float* maxima = static_cast<const float*>(plan.dst.get_data_handle());
  bool anyEmpty = false;
  for (size_t i = 0; i < length && !anyEmpty; i++) anyEmpty = maxima[i] == lowest;
  if (!anyEmpty) return dy;
  plan.maskedDy.resize(length);
  for (size_t i = 0; i < length; i++) plan.maskedDy[i] = maxima[i] == lowest ? 0.f : dy[i];
  return plan.maskedDy.data();
}

// oneDNN starts a max at the lowest float and skips NaN, as tfjs does, but tfjs starts at -∞: a
// window of NaN and -∞ alone is -∞ there, the lowest float here.
void reportEmptyMaxima(float* out, size_t length) {
  const float lowest = std::numeric_limits<float>::lowest();
  for (size_t i = 0; i < length; i++) {
    if (out[i] == lowest) out[i] = -std::numeric_limits<float>::infinity();
  }
}

// pool(x, geometry[17], "max" | "avg", out)
Napi::Value Pool(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const WindowGeometry g(dimsAt(info, 1));
    const std::string kind = stringAt(info, 2);
    if (kind != "max" && kind != "avg") throw std::invalid_argument("unknown pooling " + kind);
    const int threads = useThreadsFor(g.poolingWork());
    PoolPlan& plan = planFor(kind == "max" ? Pass::maxForward : Pass::avgForward, g, threads);
    plan.src.set_data_handle(floatsAt(info, 0));
    plan.dst.set_data_handle(floatsAt(info, 3));
    plan.forward.execute(cpuStream(), {{DNNL_ARG_SRC, plan.src}, {DNNL_ARG_DST, plan.dst}});
    cpuStream().wait();
    if (kind == "max") reportEmptyMaxima(floatsAt(info, 3), lengthAt(info, 3));
  });
}

// maxPoolGrad(dy, x, geometry[17], dx)
Napi::Value MaxPoolGrad(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const WindowGeometry g(dimsAt(info, 2));
    const int threads = useThreadsFor(2 * g.poolingWork());
    PoolPlan& plan = planFor(Pass::maxBackward, g, threads);
    plan.src.set_data_handle(floatsAt(info, 1));
    plan.forward.execute(cpuStream(), {{DNNL_ARG_SRC, plan.src}, {DNNL_ARG_DST, plan.dst}, {DNNL_ARG_WORKSPACE, plan.workspace}});
    cpuStream().wait();
    plan.diffDst.set_data_handle(gradientOfNonEmptyMaxima(plan, floatsAt(info, 0), lengthAt(info, 0)));
    plan.diffSrc.set_data_handle(floatsAt(info, 3));
    plan.backward.execute(cpuStream(), {{DNNL_ARG_DIFF_DST, plan.diffDst}, {DNNL_ARG_WORKSPACE, plan.workspace}, {DNNL_ARG_DIFF_SRC, plan.diffSrc}});
    cpuStream().wait();
  });
}

// avgPoolGrad(dy, geometry[17], dx)
Napi::Value AvgPoolGrad(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const WindowGeometry g(dimsAt(info, 1));
    const int threads = useThreadsFor(g.poolingWork());
    PoolPlan& plan = planFor(Pass::avgBackward, g, threads);
    plan.diffDst.set_data_handle(floatsAt(info, 0));
    plan.diffSrc.set_data_handle(floatsAt(info, 2));
    plan.backward.execute(cpuStream(), {{DNNL_ARG_DIFF_DST, plan.diffDst}, {DNNL_ARG_DIFF_SRC, plan.diffSrc}});
    cpuStream().wait();
  });
}

const Registration pool("pool", Pool);
const Registration maxPoolGrad("maxPoolGrad", MaxPoolGrad);
const Registration avgPoolGrad("avgPoolGrad", AvgPoolGrad);

}  // namespace
}  // namespace nnc
