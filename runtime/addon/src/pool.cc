// MaxPool, AvgPool, MaxPoolGrad and AvgPoolGrad on NHWC data for the kernel backend, on the shared
// pooling (pooling.h), cached by geometry. tfjs's kernels count padding differently, and these
// match their numbers:
// - AvgPool divides each window's sum by its in-bounds elements (AverageDivisor::inBounds);
// - AvgPoolGrad spreads each gradient over the whole filter size, padding included
//   (AverageDivisor::wholeFilter). Where a window overlaps the padding ('same', explicit) that is
//   not the gradient of tfjs's own AvgPool, which excluded it: tfjs's cpu kernel is wrong there,
//   and so, deliberately, is this one;
// - MaxPoolGrad gets no argmax from tfjs: it reruns the forward pooling to fill oneDNN's
//   workspace, into a scratch output, then runs the backward pooling from it.
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "common.h"
#include "pooling.h"

namespace nnc {
namespace {

enum class Pass { maxForward, avgForward, maxBackward, avgBackward };

struct PoolPlan {
  std::unique_ptr<Pooling> pooling;
  std::vector<float> scratch;  // MaxPoolGrad's rerun forward output (tfjs has the output already)
};

PoolingSetup setupOf(Pass pass, const WindowGeometry& g) {
  switch (pass) {
    case Pass::maxForward: return {g, PoolKind::max, AverageDivisor::inBounds, false};
    case Pass::avgForward: return {g, PoolKind::average, AverageDivisor::inBounds, false};
    case Pass::maxBackward: return {g, PoolKind::max, AverageDivisor::inBounds, true};
    case Pass::avgBackward: return {g, PoolKind::average, AverageDivisor::wholeFilter, true};
  }
  throw std::invalid_argument("unknown pooling pass");
}

// The plan for a pass, made on first use; keyed by the thread count it runs with, too.
PoolPlan& planFor(Pass pass, const WindowGeometry& g, int threads) {
  static std::unordered_map<std::string, std::unique_ptr<PoolPlan>> cache;
  const std::string key = keyOf(g.numbers()) + keyOf({static_cast<int64_t>(pass), threads});
  auto found = cache.find(key);
  if (found != cache.end()) return *found->second;
  auto plan = std::make_unique<PoolPlan>();
  plan->pooling = std::make_unique<Pooling>(setupOf(pass, g));
  if (pass == Pass::maxBackward) plan->scratch.resize(g.batch * g.outSize());
  return *cache.emplace(key, std::move(plan)).first->second;
}

// pool(x, geometry[17], "max" | "avg", out)
Napi::Value Pool(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const WindowGeometry g = WindowGeometry::fromNumbers(dimsAt(info, 1));
    const std::string kind = stringAt(info, 2);
    if (kind != "max" && kind != "avg") throw std::invalid_argument("unknown pooling " + kind);
    const int threads = useThreadsFor(g.poolingWork());
    planFor(kind == "max" ? Pass::maxForward : Pass::avgForward, g, threads).pooling->forward(floatsAt(info, 0), floatsAt(info, 3));
  });
}

// maxPoolGrad(dy, x, geometry[17], dx)
Napi::Value MaxPoolGrad(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const WindowGeometry g = WindowGeometry::fromNumbers(dimsAt(info, 2));
    const int threads = useThreadsFor(2 * g.poolingWork());
    PoolPlan& plan = planFor(Pass::maxBackward, g, threads);
    plan.pooling->forward(floatsAt(info, 1), plan.scratch.data());
    plan.pooling->backward(floatsAt(info, 0), plan.scratch.data(), floatsAt(info, 3));
  });
}

// avgPoolGrad(dy, geometry[17], dx)
Napi::Value AvgPoolGrad(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const WindowGeometry g = WindowGeometry::fromNumbers(dimsAt(info, 1));
    const int threads = useThreadsFor(g.poolingWork());
    planFor(Pass::avgBackward, g, threads).pooling->backward(floatsAt(info, 0), nullptr, floatsAt(info, 2));
  });
}

const Registration pool("pool", Pool);
const Registration maxPoolGrad("maxPoolGrad", MaxPoolGrad);
const Registration avgPoolGrad("avgPoolGrad", AvgPoolGrad);

}  // namespace
}  // namespace nnc
