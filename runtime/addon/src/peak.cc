// The machine's peak fp32 rate, measured: independent fused multiply-adds in registers on every
// thread, with the widest vectors the CPU has, chosen at run time (AVX-512 or AVX2 + FMA; a
// portable loop otherwise), so the addon builds and runs the same on either kind of machine.
// For bench/conv-peak.mjs, which prints each convolution pass's rate beside it; not a kernel.
//   peakFlops(threads, seconds[, isa]) → { gflops, isa, threads }
//   timeConvolution(geometry[17], pass, layout, threads, seconds) → { seconds, implementation }
//     one pass ("forward", "backwardData", "backwardWeights") of the shared convolution
//     (convolution.h) with a bias, on arrays of random values, timed here in a loop: layout
//     "plain" (NHWC, oneDNN's im2col + GEMM), "blocked" (the compiled network's: arrays in
//     activationLayout(), an input of one channel NCHW), "reordered" (NHWC arrays reordered
//     to oneDNN's chosen layouts inside each call) or "columns" (the network's im2col + sgemm,
//     column_convolution.h).
#include <omp.h>

#include <chrono>

#include "common.h"
#include "column_convolution.h"
#include "convolution.h"

#include <random>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define NNC_X86 1
#endif

namespace nnc {
namespace {

// 16 independent accumulators: enough to cover the FMA latency on two FMA ports.
constexpr int kChains = 16;

#ifdef NNC_X86
__attribute__((target("avx512f"))) double fmaLoopAvx512(int64_t rounds) {
  __m512 acc[kChains];
  for (int i = 0; i < kChains; i++) acc[i] = _mm512_set1_ps(1.f + i * 1e-3f);
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  for (int64_t r = 0; r < rounds; r++)
    for (int i = 0; i < kChains; i++) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  __m512 sum = acc[0];
  for (int i = 1; i < kChains; i++) sum = _mm512_add_ps(sum, acc[i]);
  alignas(64) float out[16];
  _mm512_store_ps(out, sum);
  volatile float keep = out[0];  // keeps the loop alive
  (void)keep;
  return 2.0 * 16 * kChains * rounds;  // flops
}

__attribute__((target("avx2,fma"))) double fmaLoopAvx2(int64_t rounds) {
  __m256 acc[kChains];
  for (int i = 0; i < kChains; i++) acc[i] = _mm256_set1_ps(1.f + i * 1e-3f);
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  for (int64_t r = 0; r < rounds; r++)
    for (int i = 0; i < kChains; i++) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  __m256 sum = acc[0];
  for (int i = 1; i < kChains; i++) sum = _mm256_add_ps(sum, acc[i]);
  alignas(32) float out[8];
  _mm256_store_ps(out, sum);
  volatile float keep = out[0];
  (void)keep;
  return 2.0 * 8 * kChains * rounds;
}
#endif

double fmaLoopPortable(int64_t rounds) {
  float acc[kChains];
  for (int i = 0; i < kChains; i++) acc[i] = 1.f + i * 1e-3f;
  for (int64_t r = 0; r < rounds; r++)
    for (int i = 0; i < kChains; i++) acc[i] = acc[i] * 0.999999f + 1e-7f;
  float sum = 0;
  for (int i = 0; i < kChains; i++) sum += acc[i];
  volatile float keep = sum;
  (void)keep;
  return 2.0 * kChains * rounds;
}

const char* widestIsa() {
#ifdef NNC_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return "avx512";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "avx2";
#endif
  return "portable";
}

double fmaLoop(const std::string& isa, int64_t rounds) {
#ifdef NNC_X86
  if (isa == "avx512") return fmaLoopAvx512(rounds);
  if (isa == "avx2") return fmaLoopAvx2(rounds);
#endif
  return fmaLoopPortable(rounds);
}

// peakFlops(threads, seconds[, isa]): GFLOP/s summed over `threads` threads, each running the
// loop for about `seconds`; the best of several rounds. `isa` ("avx2", "portable") lowers the width.
Napi::Value PeakFlops(const Napi::CallbackInfo& info) {
  Napi::Object result = Napi::Object::New(info.Env());
  guarded(info, [&] {
    const int threads = static_cast<int>(intAt(info, 0));
    const double seconds = numberAt(info, 1);
    std::string isa = widestIsa();
    if (info.Length() > 2 && info[2].IsString()) {
      const std::string asked = stringAt(info, 2);
      if (asked == "portable" || (asked == "avx2" && isa == "avx512")) isa = asked;
    }
    using clock = std::chrono::steady_clock;
    // Calibrate the rounds to ~seconds/10 per run, then keep the best of the runs.
    int64_t rounds = 1 << 16;
    volatile double sink = 0;  // keeps the calibration runs from being optimized away
    for (;;) {
      const auto t0 = clock::now();
      sink = sink + fmaLoop(isa, rounds);
      const double took = std::chrono::duration<double>(clock::now() - t0).count();
      if (took > seconds / 20 || rounds > (int64_t(1) << 32)) break;
      rounds *= 2;
    }
    double best = 0;
    const auto start = clock::now();
    while (std::chrono::duration<double>(clock::now() - start).count() < seconds) {
      double flops = 0;
      const auto t0 = clock::now();
#pragma omp parallel num_threads(threads) reduction(+ : flops)
      flops += fmaLoop(isa, rounds);
      const double took = std::chrono::duration<double>(clock::now() - t0).count();
      if (flops / took > best) best = flops / took;
    }
    result.Set("gflops", best / 1e9);
    result.Set("isa", isa);
    result.Set("threads", threads);
  });
  return result;
}

std::vector<float> randomValues(int64_t n) {
  static std::mt19937 random(1);
  std::uniform_real_distribution<float> uniform(-1.f, 1.f);
  std::vector<float> v(n);
  for (float& x : v) x = uniform(random);
  return v;
}

// Best seconds per call of `run` over about `seconds`.
template <typename Run>
double bestTime(double seconds, Run run) {
  for (int i = 0; i < 5; i++) run();
  using clock = std::chrono::steady_clock;
  double best = 1e30;
  const auto start = clock::now();
  while (std::chrono::duration<double>(clock::now() - start).count() < seconds) {
    const auto t0 = clock::now();
    constexpr int kCalls = 20;
    for (int i = 0; i < kCalls; i++) run();
    best = std::min(best, std::chrono::duration<double>(clock::now() - t0).count() / kCalls);
  }
  return best;
}

// The compiled network's im2col + sgemm convolution (column_convolution.h), pass by pass as the
// network runs it: the backward-weights pass reuses the forward pass's columns.
void timeColumns(Napi::Object& result, const WindowGeometry& g, const std::string& pass, double seconds) {
  WindowGeometry one = g.withBatch(1);
  ColumnConvolution conv(one);
  std::vector<float> src = randomValues(g.batch * g.inSize()), dst = randomValues(g.batch * g.outSize());
  std::vector<float> weights = randomValues(g.filterHeight * g.filterWidth * g.inChannels * g.outChannels), bias = randomValues(g.outChannels);
  std::vector<float> dWeights(weights.size()), dBias(bias.size());
  conv.forward(g.batch, src.data(), weights.data(), bias.data(), dst.data());
  double took = 0;
  if (pass == "forward") took = bestTime(seconds, [&] { conv.forward(g.batch, src.data(), weights.data(), bias.data(), dst.data()); });
  else if (pass == "backwardData") took = bestTime(seconds, [&] { conv.backwardData(g.batch, dst.data(), weights.data(), src.data()); });
  else took = bestTime(seconds, [&] { conv.backwardWeights(g.batch, src.data(), dst.data(), dWeights.data(), dBias.data()); });
  result.Set("seconds", took);
  result.Set("implementation", "nnc im2col + sgemm");
}

Napi::Value TimeConvolution(const Napi::CallbackInfo& info) {
  Napi::Object result = Napi::Object::New(info.Env());
  guarded(info, [&] {
    const WindowGeometry g = WindowGeometry::fromNumbers(dimsAt(info, 0));
    const std::string pass = stringAt(info, 1), layout = stringAt(info, 2);
    const int threads = static_cast<int>(intAt(info, 3));
    const double seconds = numberAt(info, 4);
    if (omp_get_max_threads() != threads) omp_set_num_threads(threads);
    if (layout == "columns") {
      const ThreadLimitScope limit(threads);
      timeColumns(result, g, pass, seconds);
      return;
    }
    ConvolutionSetup setup{g, true, layout == "plain" ? ConvLayout::plain : ConvLayout::chosenByOneDnn};
    if (layout == "nhwcDirect") {
      // NHWC arrays given to oneDNN as they are, its own choice of kernel for them.
      if (g.inChannels > 1) setup.srcLayout = dnnl::memory::format_tag::nhwc;
      setup.dstLayout = dnnl::memory::format_tag::nhwc;
    }
    if (layout == "blocked") {
      if (activationLayout() == dnnl::memory::format_tag::undef) throw std::invalid_argument("no blocked layout on this CPU");
      if (g.inChannels > 1) setup.srcLayout = activationLayout();
      setup.dstLayout = activationLayout();
    }
    std::unique_ptr<ConvolutionPass> p = pass == "forward" ? convolutionForward(setup) : pass == "backwardData" ? convolutionBackwardData(setup) : convolutionBackwardWeights(setup);
    // Arrays large enough for any layout (channels padded to 16).
    const auto padded = [](int64_t c) { return (c + 15) / 16 * 16; };
    std::mt19937 random(1);
    std::uniform_real_distribution<float> uniform(-1.f, 1.f);
    const auto filled = [&](int64_t n) {
      std::vector<float> v(n);
      for (float& x : v) x = uniform(random);
      return v;
    };
    std::vector<float> src = filled(g.batch * g.inHeight * g.inWidth * padded(g.inChannels));
    std::vector<float> dst = filled(g.batch * g.outHeight * g.outWidth * padded(g.outChannels));
    std::vector<float> weights = filled(g.filterHeight * g.filterWidth * g.inChannels * g.outChannels), bias = filled(g.outChannels);
    // Blocked arrays keep their padded channels at zero, as the network's do.
    const auto zeroPadding = [&](std::vector<float>& v, int64_t channels, int64_t positions) {
      if (layout != "blocked" || channels == 1) return;
      const int64_t block = activationLayout() == dnnl::memory::format_tag::nChw16c ? 16 : 8;
      const int64_t blocks = (channels + block - 1) / block;
      for (int64_t n = 0; n < g.batch; n++)
        for (int64_t p = 0; p < positions; p++)
          for (int64_t c = channels; c < blocks * block; c++) v[((n * blocks + (blocks - 1)) * positions + p) * block + c % block] = 0.f;
    };
    zeroPadding(src, g.inChannels, g.inHeight * g.inWidth);
    zeroPadding(dst, g.outChannels, g.outHeight * g.outWidth);
    const auto run = [&] {
      if (pass == "forward") p->run({src.data(), weights.data(), bias.data()}, {dst.data()});
      else if (pass == "backwardData") p->run({dst.data(), weights.data()}, {src.data()});
      else p->run({src.data(), dst.data()}, {weights.data(), bias.data()});
    };
    for (int i = 0; i < 5; i++) run();
    using clock = std::chrono::steady_clock;
    double best = 1e30;
    const auto start = clock::now();
    while (std::chrono::duration<double>(clock::now() - start).count() < seconds) {
      const auto t0 = clock::now();
      constexpr int kCalls = 20;
      for (int i = 0; i < kCalls; i++) run();
      best = std::min(best, std::chrono::duration<double>(clock::now() - t0).count() / kCalls);
    }
    result.Set("seconds", best);
    result.Set("implementation", p->implementation());
  });
  return result;
}

const Registration registration("peakFlops", PeakFlops);
const Registration timing("timeConvolution", TimeConvolution);

}  // namespace
}  // namespace nnc
