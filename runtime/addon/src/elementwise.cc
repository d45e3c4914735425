// Element-wise kernels: binary operations with NumPy broadcasting, unary operations, AddN,
// Select, Cast and EluGrad. Each computes what tfjs's cpu kernel computes, which evaluates in
// double and rounds to float32: where float arithmetic rounds the same way (+, −, ×, ÷, sqrt) it
// is used directly, elsewhere the value is computed in double and rounded once.
#include <algorithm>
#include <cmath>
#include <type_traits>
#include <limits>
#include <vector>

#include "elementwise.h"

namespace nnc {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// ---- Binary operations ----------------------------------------------------------------------

// Each operation: its input and output element types and the value of one pair.
struct Add {
  using In = float;
  using Out = float;
  static float apply(float a, float b) { return a + b; }
};
struct Sub {
  using In = float;
  using Out = float;
  static float apply(float a, float b) { return a - b; }
};
struct Multiply {
  using In = float;
  using Out = float;
  static float apply(float a, float b) { return a * b; }
};
struct RealDiv {
  using In = float;
  using Out = float;
  static float apply(float a, float b) { return a / b; }
};
// Math.max and Math.min: NaN if either is NaN, and +0 larger than −0.
template <bool largest>
struct Extreme {
  using In = float;
  using Out = float;
  static float apply(float a, float b) {
    const float chosen = (largest ? a > b : a < b) ? a : b;
    const float tie = std::signbit(a) == largest ? b : a;
    return a != a || b != b ? kNaN : a == b ? tie : chosen;
  }
};
// The difference is squared in double, as tfjs does, before the one rounding.
struct SquaredDifference {
  using In = float;
  using Out = float;
  static float apply(float a, float b) {
    const double d = static_cast<double>(a) - static_cast<double>(b);
    return static_cast<float>(d * d);
  }
};
// Math.pow differs from C's pow where the base is ±1: 1^NaN and (±1)^±∞ are NaN.
struct Pow {
  using In = float;
  using Out = float;
  static float apply(float a, float b) {
    if (b != b || (std::fabs(a) == 1.f && std::isinf(b))) return kNaN;
    return static_cast<float>(std::pow(static_cast<double>(a), static_cast<double>(b)));
  }
};
// Comparisons give bool tensors: a Uint8Array of 0 and 1.
struct Greater {
  using In = float;
  using Out = uint8_t;
  static uint8_t apply(float a, float b) { return a > b; }
};
struct GreaterEqual {
  using In = float;
  using Out = uint8_t;
  static uint8_t apply(float a, float b) { return a >= b; }
};
struct Less {
  using In = float;
  using Out = uint8_t;
  static uint8_t apply(float a, float b) { return a < b; }
};
struct LessEqual {
  using In = float;
  using Out = uint8_t;
  static uint8_t apply(float a, float b) { return a <= b; }
};
struct Equal {
  using In = float;
  using Out = uint8_t;
  static uint8_t apply(float a, float b) { return a == b; }
};
struct NotEqual {
  using In = float;
  using Out = uint8_t;
  static uint8_t apply(float a, float b) { return a != b; }
};
// On bools (0 or 1) JavaScript's `a && b` and `a || b` are these.
struct LogicalAnd {
  using In = uint8_t;
  using Out = uint8_t;
  static uint8_t apply(uint8_t a, uint8_t b) { return a & b; }
};
struct LogicalOr {
  using In = uint8_t;
  using Out = uint8_t;
  static uint8_t apply(uint8_t a, uint8_t b) { return a | b; }
};

template <typename T>
T* elementsAt(const Napi::CallbackInfo& info, size_t index);
template <>
float* elementsAt<float>(const Napi::CallbackInfo& info, size_t index) { return floatsAt(info, index); }
template <>
uint8_t* elementsAt<uint8_t>(const Napi::CallbackInfo& info, size_t index) { return bytesAt(info, index); }

// One row of the output: `n` elements with each operand either stepping by 1 or held (stride 0).
// The stride patterns are separate loops so each vectorizes.
template <typename Op>
void row(const typename Op::In* a, bool aSteps, const typename Op::In* b, bool bSteps, typename Op::Out* out, int64_t n) {
  if (aSteps && bSteps) {
    for (int64_t i = 0; i < n; i++) out[i] = Op::apply(a[i], b[i]);
  } else if (aSteps) {
    const auto held = b[0];
    for (int64_t i = 0; i < n; i++) out[i] = Op::apply(a[i], held);
  } else if (bSteps) {
    const auto held = a[0];
    for (int64_t i = 0; i < n; i++) out[i] = Op::apply(held, b[i]);
  } else {
    const auto value = Op::apply(a[0], b[0]);
    for (int64_t i = 0; i < n; i++) out[i] = value;
  }
}

// A broadcast reduced to its essentials: size-1 dimensions dropped and neighbours merged where
// both operands lay them out contiguously, leaving few dimensions (often one or two).
struct Broadcast {
  Dims dims, aStrides, bStrides;
};

Broadcast broadcastOf(const Dims& aShape, const Dims& bShape, const Dims& outShape) {
  const size_t rank = outShape.size();
  Broadcast plan;
  int64_t aStride = 1, bStride = 1;
  // From the innermost dimension out; operands are aligned on their trailing dimensions.
  for (size_t k = 0; k < rank; k++) {
    const int64_t size = outShape[rank - 1 - k];
    const int64_t aSize = k < aShape.size() ? aShape[aShape.size() - 1 - k] : 1;
    const int64_t bSize = k < bShape.size() ? bShape[bShape.size() - 1 - k] : 1;
    if (size == 1) continue;
    const int64_t as = aSize == 1 ? 0 : aStride, bs = bSize == 1 ? 0 : bStride;
    aStride *= aSize;
    bStride *= bSize;
    if (!plan.dims.empty()) {
      const int64_t inner = plan.dims.back();
      if (as == plan.aStrides.back() * inner && bs == plan.bStrides.back() * inner) {
        plan.dims.back() *= size;
        continue;
      }
    }
    plan.dims.push_back(size);
    plan.aStrides.push_back(as);
    plan.bStrides.push_back(bs);
  }
  // Stored innermost first; the loops want outermost first.
  std::reverse(plan.dims.begin(), plan.dims.end());
  std::reverse(plan.aStrides.begin(), plan.aStrides.end());
  std::reverse(plan.bStrides.begin(), plan.bStrides.end());
  return plan;
}

// Rows [begin, end) of a broadcast: every dimension but the last is walked by an odometer.
template <typename Op>
void broadcastRows(const Broadcast& plan, const typename Op::In* a, const typename Op::In* b, typename Op::Out* out, int64_t begin, int64_t end) {
  const size_t outer = plan.dims.size() - 1;
  const int64_t n = plan.dims[outer];
  Dims index(outer, 0);
  int64_t aOffset = 0, bOffset = 0;
  for (size_t d = outer, rest = begin; d-- > 0;) {
    index[d] = rest % plan.dims[d];
    rest /= plan.dims[d];
    aOffset += index[d] * plan.aStrides[d];
    bOffset += index[d] * plan.bStrides[d];
  }
  const bool aSteps = plan.aStrides[outer] != 0, bSteps = plan.bStrides[outer] != 0;
  for (int64_t r = begin; r < end; r++) {
    row<Op>(a + aOffset, aSteps, b + bOffset, bSteps, out + r * n, n);
    for (size_t d = outer; d-- > 0;) {
      aOffset += plan.aStrides[d];
      bOffset += plan.bStrides[d];
      if (++index[d] < plan.dims[d]) break;
      aOffset -= index[d] * plan.aStrides[d];
      bOffset -= index[d] * plan.bStrides[d];
      index[d] = 0;
    }
  }
}

// op(a, b, out[, aShape, bShape, outShape]): the shapes are needed only when neither operand is
// the output's size or a single value.
template <typename Op>
Napi::Value Binary(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const auto* a = elementsAt<typename Op::In>(info, 0);
    const auto* b = elementsAt<typename Op::In>(info, 1);
    auto* out = elementsAt<typename Op::Out>(info, 2);
    const int64_t aLength = lengthAt(info, 0), bLength = lengthAt(info, 1), n = lengthAt(info, 2);
    const int threads = threadsForElements(n, 0.3);
    if ((aLength == n || aLength == 1) && (bLength == n || bLength == 1)) {
      forChunks(n, threads, [&](int64_t begin, int64_t end) {
        row<Op>(a + (aLength == 1 ? 0 : begin), aLength != 1, b + (bLength == 1 ? 0 : begin), bLength != 1, out + begin, end - begin);
      });
      return;
    }
    const Broadcast plan = broadcastOf(dimsAt(info, 3), dimsAt(info, 4), dimsAt(info, 5));
    const int64_t rows = n / plan.dims.back();
    forChunks(rows, threads, [&](int64_t begin, int64_t end) { broadcastRows<Op>(plan, a, b, out, begin, end); });
  });
}

const Registration binaryRegistrations[] = {
    {"add", Binary<Add>},
    {"sub", Binary<Sub>},
    {"multiply", Binary<Multiply>},
    {"realDiv", Binary<RealDiv>},
    {"maximum", Binary<Extreme<true>>},
    {"minimum", Binary<Extreme<false>>},
    {"squaredDifference", Binary<SquaredDifference>},
    {"pow", Binary<Pow>},
    {"greater", Binary<Greater>},
    {"greaterEqual", Binary<GreaterEqual>},
    {"less", Binary<Less>},
    {"lessEqual", Binary<LessEqual>},
    {"equal", Binary<Equal>},
    {"notEqual", Binary<NotEqual>},
    {"logicalAnd", Binary<LogicalAnd>},
    {"logicalOr", Binary<LogicalOr>},
};

// ---- Unary operations -----------------------------------------------------------------------

// Each operation maps one float; those with attributes read them from arguments 2, 3, ... and
// `cost` is its time per element in ns, for the thread choice.
struct Relu {
  static constexpr double cost = 0.2;
  static float apply(float x) { return x > 0.f || x != x ? x : 0.f; }
};
struct Relu6 {
  static constexpr double cost = 0.2;
  static float apply(float x) { return x != x ? x : x > 6.f ? 6.f : x > 0.f ? x : 0.f; }
};
struct Neg {
  static constexpr double cost = 0.2;
  static float apply(float x) { return -x; }
};
struct Square {
  static constexpr double cost = 0.2;
  static float apply(float x) { return x * x; }
};
struct Sqrt {
  static constexpr double cost = 0.3;
  static float apply(float x) { return std::sqrt(x); }
};
// 1 / Math.sqrt(x): two operations in double, one rounding.
struct Rsqrt {
  static constexpr double cost = 0.5;
  static float apply(float x) { return static_cast<float>(1.0 / std::sqrt(static_cast<double>(x))); }
};
struct Reciprocal {
  static constexpr double cost = 0.3;
  static float apply(float x) { return 1.f / x; }
};
struct Abs {
  static constexpr double cost = 0.2;
  static float apply(float x) { return std::fabs(x); }
};
// tfjs's sign is 0 for NaN.
struct Sign {
  static constexpr double cost = 0.2;
  static float apply(float x) { return x < 0.f ? -1.f : x > 0.f ? 1.f : 0.f; }
};
struct Floor {
  static constexpr double cost = 0.2;
  static float apply(float x) { return std::floor(x); }
};
struct Exp {
  static constexpr double cost = 1.8;
  static float apply(float x) { return static_cast<float>(expDouble(x)); }
};
struct Sigmoid {
  static constexpr double cost = 2;
  static float apply(float x) { return static_cast<float>(1.0 / (1.0 + expDouble(-static_cast<double>(x)))); }
};
// tanh from e^(−2|x|), which never overflows; near 0, where 1 − e^(−2|x|) would cancel, its
// series (the next term is below 1e-13 relative there).
struct Tanh {
  static constexpr double cost = 2.6;
  static float apply(float x) {
    const double v = x, magnitude = std::fabs(v);
    const double e = expDouble(-2.0 * magnitude);
    const double far = std::copysign((1.0 - e) / (1.0 + e), v);
    const double v2 = v * v;
    const double near = v * (1.0 - v2 * (1.0 / 3.0 - v2 * (2.0 / 15.0)));
    return static_cast<float>(magnitude < 1e-3 ? near : far);
  }
};
struct Elu {
  static constexpr double cost = 1.8;
  static float apply(float x) { return x >= 0.f ? x : static_cast<float>(expDouble(x) - 1.0); }
};
struct Log {
  static constexpr double cost = 5;
  static float apply(float x) { return static_cast<float>(std::log(static_cast<double>(x))); }
};
struct Log1p {
  static constexpr double cost = 8;
  static float apply(float x) { return static_cast<float>(std::log1p(static_cast<double>(x))); }
};
// tfjs's thresholds: beyond them softplus is x or e^x to within float32's epsilon.
struct Softplus {
  static constexpr double cost = 10;
  static float apply(float x) {
    const double threshold = std::log(1.1920928955078125e-7) + 2.0;
    const double v = x, e = expDouble(v);
    if (v < threshold) return static_cast<float>(e);
    if (v > -threshold) return x;
    return static_cast<float>(std::log(1.0 + e));
  }
};

// The operations with attributes, built from the call's arguments.
struct Step {
  static constexpr double cost = 0.2;
  float alpha;
  explicit Step(const Napi::CallbackInfo& info) : alpha(static_cast<float>(numberAt(info, 2))) {}
  float apply(float x) const { return x != x ? x : x > 0.f ? 1.f : alpha; }
};
// alpha is a JavaScript number: the product is taken in double and rounded once.
struct LeakyRelu {
  static constexpr double cost = 0.2;
  double alpha;
  explicit LeakyRelu(const Napi::CallbackInfo& info) : alpha(numberAt(info, 2)) {}
  float apply(float x) const { return x < 0.f ? static_cast<float>(alpha * x) : x; }
};
// The bounds are compared in double (they are JavaScript numbers) and rounded when returned.
struct ClipByValue {
  static constexpr double cost = 0.2;
  double low, high;
  explicit ClipByValue(const Napi::CallbackInfo& info) : low(numberAt(info, 2)), high(numberAt(info, 3)) {}
  float apply(float x) const {
    const double v = x;
    return v > high ? static_cast<float>(high) : v < low ? static_cast<float>(low) : x;
  }
};

// Operations without attributes are used as they are; the others are constructed per call.
template <typename Op>
Op unaryOf(const Napi::CallbackInfo& info) {
  if constexpr (std::is_constructible_v<Op, const Napi::CallbackInfo&>) return Op(info);
  else return Op{};
}

// op(x, out[, attributes...])
template <typename Op>
Napi::Value Unary(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const float* x = floatsAt(info, 0);
    float* out = floatsAt(info, 1);
    const int64_t n = lengthAt(info, 1);
    const Op op = unaryOf<Op>(info);
    forChunks(n, threadsForElements(n, Op::cost), [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; i++) out[i] = op.apply(x[i]);
    });
  });
}

const Registration unaryRegistrations[] = {
    {"relu", Unary<Relu>},         {"relu6", Unary<Relu6>},       {"neg", Unary<Neg>},         {"square", Unary<Square>},
    {"sqrt", Unary<Sqrt>},         {"rsqrt", Unary<Rsqrt>},       {"reciprocal", Unary<Reciprocal>},
    {"abs", Unary<Abs>},           {"sign", Unary<Sign>},         {"floor", Unary<Floor>},     {"exp", Unary<Exp>},
    {"sigmoid", Unary<Sigmoid>},   {"tanh", Unary<Tanh>},         {"elu", Unary<Elu>},         {"log", Unary<Log>},
    {"log1p", Unary<Log1p>},       {"softplus", Unary<Softplus>}, {"step", Unary<Step>},       {"leakyRelu", Unary<LeakyRelu>},
    {"clipByValue", Unary<ClipByValue>},
};

// ---- The rest -------------------------------------------------------------------------------

// eluGrad(dy, y, out): dy where y ≥ 0, else dy·(y + 1).
Napi::Value EluGrad(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const float *dy = floatsAt(info, 0), *y = floatsAt(info, 1);
    float* out = floatsAt(info, 2);
    const int64_t n = lengthAt(info, 2);
    forChunks(n, threadsForElements(n, 0.3), [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; i++) out[i] = y[i] >= 0.f ? dy[i] : dy[i] * (y[i] + 1.f);
    });
  });
}

// addN([x0, x1, ...], out): summed in order, in float, as the JavaScript kernel does.
Napi::Value AddN(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const Napi::Array list = info[0].As<Napi::Array>();
    std::vector<const float*> inputs(list.Length());
    for (uint32_t i = 0; i < list.Length(); i++) {
      const Napi::Value item = list.Get(i);
      if (!item.IsTypedArray() || item.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
        throw std::invalid_argument("addN takes Float32Arrays");
      inputs[i] = item.As<Napi::Float32Array>().Data();
    }
    float* out = floatsAt(info, 1);
    const int64_t n = lengthAt(info, 1);
    forChunks(n, threadsForElements(n, 0.2 * static_cast<double>(inputs.size())), [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; i++) out[i] = 0.f;
      for (const float* x : inputs)
        for (int64_t i = begin; i < end; i++) out[i] += x[i];
    });
  });
}

// select(condition, t, e, out), all the same size: t where the condition is 1.
Napi::Value Select(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const uint8_t* condition = bytesAt(info, 0);
    const float *t = floatsAt(info, 1), *e = floatsAt(info, 2);
    float* out = floatsAt(info, 3);
    const int64_t n = lengthAt(info, 3);
    forChunks(n, threadsForElements(n, 0.3), [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; i++) out[i] = condition[i] == 1 ? t[i] : e[i];
    });
  });
}

// castToInt(x, out): JavaScript's conversion to int32 (Int32Array.from): truncation, NaN and
// infinities to 0, and out-of-range values wrapped modulo 2^32, where C++'s cast is undefined.
Napi::Value CastToInt(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const float* x = floatsAt(info, 0);
    int32_t* out = intsAt(info, 1);
    const int64_t n = lengthAt(info, 1);
    for (int64_t i = 0; i < n; i++) {
      const float v = x[i];
      if (std::fabs(v) < 2147483648.f) {
        out[i] = static_cast<int32_t>(v);
      } else if (!std::isfinite(v)) {
        out[i] = 0;
      } else {
        const double wrapped = std::fmod(std::trunc(static_cast<double>(v)), 4294967296.0);
        out[i] = static_cast<int32_t>(static_cast<uint32_t>(static_cast<int64_t>(wrapped < 0 ? wrapped + 4294967296.0 : wrapped)));
      }
    }
  });
}

// castToBool(x, out): x ≠ 0 (so NaN is true).
Napi::Value CastToBool(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const float* x = floatsAt(info, 0);
    uint8_t* out = bytesAt(info, 1);
    const int64_t n = lengthAt(info, 1);
    for (int64_t i = 0; i < n; i++) out[i] = x[i] != 0.f;
  });
}

const Registration otherRegistrations[] = {
    {"eluGrad", EluGrad}, {"addN", AddN}, {"select", Select}, {"castToInt", CastToInt}, {"castToBool", CastToBool},
};

}  // namespace
}  // namespace nnc
