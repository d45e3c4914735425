// MatMul, BatchMatMul and _FusedMatMul (bias and activation fused as oneDNN post-ops).
// Transposes cost nothing: a transposed operand is the same memory described with swapped strides.
#include <memory>
#include <unordered_map>

#include "activation.h"
#include "common.h"

namespace nnc {
namespace {

using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

struct MatMulPlan {
  dnnl::matmul primitive;
  dnnl::memory a, b, bias, out;
  bool hasBias;
};

// `physical` is the operand's stored shape [batch, rows, cols]; logically it is [batch, rows, cols]
// or, when transposed, [batch, cols, rows].
dnnl::memory::desc operandDesc(const Dims& physical, bool transposed) {
  const int64_t batch = physical[0], rows = physical[1], cols = physical[2];
  if (!transposed) return dnnl::memory::desc({batch, rows, cols}, dt::f32, dnnl::memory::dims{rows * cols, cols, 1});
  return dnnl::memory::desc({batch, cols, rows}, dt::f32, dnnl::memory::dims{rows * cols, 1, cols});
}

std::shared_ptr<MatMulPlan> planFor(const Dims& aShape, const Dims& bShape, bool transposeA, bool transposeB, bool hasBias,
                                    const std::string& activation, float alpha, int threads) {
  static std::unordered_map<std::string, std::shared_ptr<MatMulPlan>> cache;
  const std::string key = keyOf({aShape[0], aShape[1], aShape[2], bShape[0], bShape[1], bShape[2], transposeA, transposeB, hasBias, threads}) +
                          activation + ":" + std::to_string(alpha);
  auto found = cache.find(key);
  if (found != cache.end()) return found->second;

  const auto aDesc = operandDesc(aShape, transposeA);
  const auto bDesc = operandDesc(bShape, transposeB);
  const int64_t batch = std::max(aShape[0], bShape[0]);
  const int64_t m = aDesc.dims()[1], n = bDesc.dims()[2];
  const dnnl::memory::desc outDesc({batch, m, n}, dt::f32, tag::abc);
  const dnnl::memory::desc biasDesc({1, 1, n}, dt::f32, tag::abc);
  auto& engine = cpuEngine();
  const dnnl::matmul::desc desc = hasBias ? dnnl::matmul::desc(aDesc, bDesc, biasDesc, outDesc) : dnnl::matmul::desc(aDesc, bDesc, outDesc);
  const dnnl::matmul::primitive_desc pd(desc, activationAttr(activation, alpha), engine);
  auto plan = std::make_shared<MatMulPlan>(MatMulPlan{dnnl::matmul(pd), dnnl::memory(aDesc, engine, nullptr), dnnl::memory(bDesc, engine, nullptr),
                                                      dnnl::memory(biasDesc, engine, nullptr), dnnl::memory(outDesc, engine, nullptr), hasBias});
  cache.emplace(key, plan);
  return plan;
}

// matMul(a, aShape[3], b, bShape[3], transposeA, transposeB, bias | null, activation, alpha, out)
Napi::Value MatMul(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const Dims aShape = dimsAt(info, 1), bShape = dimsAt(info, 3);
    const bool transposeA = boolAt(info, 4), transposeB = boolAt(info, 5);
    const bool hasBias = info[6].IsTypedArray();
    const int64_t m = transposeA ? aShape[2] : aShape[1];
    const int64_t k = transposeA ? aShape[1] : aShape[2];
    const int64_t n = transposeB ? bShape[1] : bShape[2];
    const int threads = useThreadsFor(2.0 * std::max(aShape[0], bShape[0]) * m * n * k);
    auto plan = planFor(aShape, bShape, transposeA, transposeB, hasBias, stringAt(info, 7), static_cast<float>(numberAt(info, 8)), threads);
    plan->a.set_data_handle(floatsAt(info, 0));
    plan->b.set_data_handle(floatsAt(info, 2));
    plan->out.set_data_handle(floatsAt(info, 9));
    std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, plan->a}, {DNNL_ARG_WEIGHTS, plan->b}, {DNNL_ARG_DST, plan->out}};
    if (hasBias) {
      plan->bias.set_data_handle(floatsAt(info, 6));
      args.emplace(DNNL_ARG_BIAS, plan->bias);
    }
    plan->primitive.execute(cpuStream(), args);
    cpuStream().wait();
  });
}

const Registration registration("matMul", MatMul);

}  // namespace
}  // namespace nnc
