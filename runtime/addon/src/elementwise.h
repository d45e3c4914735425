// What the element-wise, reduction and softmax kernels share: splitting a loop over threads only
// when it is big enough to pay for it, reading bool (Uint8Array) arguments, and an exp that the
// compiler vectorizes (glibc's is scalar without -ffast-math, and exp dominates sigmoid, tanh and
// softmax).
#pragma once

#include <omp.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "common.h"

// tfjs's results depend neither on errno nor on floating-point exception flags; without these two
// GCC keeps sqrt, floor and the comparisons in exp's clamping scalar. Applies to the rest of each
// file that includes this one.
#pragma GCC optimize("no-math-errno", "no-trapping-math")

namespace nnc {

// The data of a Uint8Array argument (a bool tensor in the cpu backend), in place.
inline uint8_t* bytesAt(const Napi::CallbackInfo& info, size_t index) {
  const Napi::Value value = info[index];
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    throw std::invalid_argument("argument " + std::to_string(index) + " is not a Uint8Array");
  return value.As<Napi::Uint8Array>().Data();
}

// Element-wise loops split over threads only when one thread would take a millisecond or more
// (`nsPerElement` is measured on one core: about 0.2 for an add, 2 for an exp): on a 2-core
// machine a parallel region's barrier costs milliseconds whenever another process holds the
// second core, which is more than these loops take.
inline int threadsForElements(int64_t count, double nsPerElement) {
  return static_cast<double>(count) * nsPerElement < 1e6 ? 1 : maxThreads();
}

// body(begin, end) over [0, count): inline on one thread, else in even chunks whose bounds are
// multiples of 16 elements, so threads never write the same cache line.
template <typename Body>
void forChunks(int64_t count, int threads, Body body) {
  if (threads <= 1 || count < 64) {
    body(int64_t{0}, count);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    const int64_t team = omp_get_num_threads(), member = omp_get_thread_num();
    const int64_t begin = member == 0 ? 0 : (count * member / team) & ~int64_t{15};
    const int64_t end = member == team - 1 ? count : (count * (member + 1) / team) & ~int64_t{15};
    body(begin, end);
  }
}

// The largest (or smallest) of n values, NaN if any is NaN (tfjs's rule). The NaN test is a
// separate flag so both loops vectorize as OpenMP SIMD reductions.
template <bool largest>
float extremeOf(const float* x, int64_t n) {
  float extreme = largest ? -HUGE_VALF : HUGE_VALF;
  int anyNaN = 0;
  if constexpr (largest) {
#pragma omp simd reduction(max : extreme) reduction(| : anyNaN)
    for (int64_t i = 0; i < n; i++) {
      extreme = x[i] > extreme ? x[i] : extreme;
      anyNaN |= x[i] != x[i];
    }
  } else {
#pragma omp simd reduction(min : extreme) reduction(| : anyNaN)
    for (int64_t i = 0; i < n; i++) {
      extreme = x[i] < extreme ? x[i] : extreme;
      anyNaN |= x[i] != x[i];
    }
  }
  return anyNaN ? std::nanf("") : extreme;
}

// 2^n for an integer n in [-1022, 1023]: adding 2^52 puts n + 1023 in the low mantissa bits,
// and a left shift moves them into the exponent (a shift AVX2 has, unlike an arithmetic one).
inline double powerOfTwo(double n) {
  const double biased = n + (1023.0 + 4503599627370496.0);
  uint64_t bits;
  std::memcpy(&bits, &biased, sizeof bits);
  bits <<= 52;
  double power;
  std::memcpy(&power, &bits, sizeof power);
  return power;
}

// e^x in double, to about 1e-15 relative: x = n·ln2 + r with |r| ≤ ln2/2, e^r by its Taylor series
// to degree 12, 2^n written into the exponent bits. Branch-free so loops calling it vectorize.
// Inputs are clamped to where float results saturate (the caller rounds to float, which makes
// them 0 or infinity exactly as rounding the true value would); NaN passes through the clamp.
inline double expDouble(double x) {
  x = x < -745.0 ? -745.0 : x;
  x = x > 709.0 ? 709.0 : x;
  // Adding 1.5·2^52 rounds to an integer held in the low mantissa bits.
  const double shifter = 6755399441055744.0;
  const double shifted = x * 1.4426950408889634 + shifter;
  const double n = shifted - shifter;
  const double r = (x - n * 0.6931471803691238) - n * 1.9082149292705877e-10;
  double p = 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  // n lies in [-1075, 1023]; scale in two halves so no power of 2 leaves the exponent's range.
  const double half = std::floor(n * 0.5);
  return p * powerOfTwo(half) * powerOfTwo(n - half);
}

}  // namespace nnc
