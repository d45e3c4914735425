// Shared plumbing of the native kernels: the oneDNN engine and stream, thread choice, the kernel
// registry the module exports, and reading arguments from JavaScript without copying.
#pragma once

#include <napi.h>

#include <cstdint>
#include <oneapi/dnnl/dnnl.hpp>
#include <string>
#include <utility>
#include <vector>

// The addon is built for the baseline x86-64 (no -march=native: a build must run on any machine
// of the kind, AVX2 or AVX-512). Hot element-wise loops are compiled once per width instead and
// chosen when the addon loads (GCC's function multi-versioning, resolved on the CPU it runs on).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define NNC_VECTORIZED __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NNC_VECTORIZED
#endif

namespace nnc {

using Dims = std::vector<int64_t>;
using KernelFunction = Napi::Value (*)(const Napi::CallbackInfo&);

// Every kernel file registers its functions with a static Registration; addon.cc exports them all.
std::vector<std::pair<std::string, KernelFunction>>& registry();
struct Registration {
  Registration(const char* name, KernelFunction function) { registry().emplace_back(name, function); }
};

dnnl::engine& cpuEngine();
dnnl::stream& cpuStream();

// Small ops run faster on one OpenMP thread (V8's own threads share the cores); large ones on all.
// Returns the count it set, which oneDNN primitives must be created and run with.
int useThreadsFor(double flops);
int maxThreads();
// to[i] += from[i] for i < n (col2im's window rows, a shard's gradient into shard 0's).
void addInto(float* to, const float* from, int64_t n);

// A measuring switch over a choice the code makes itself (automatic) or that is forced: from an
// environment variable (auto, always, never; unset or anything else is auto) or a setter.
enum class Choice { automatic, always, never };
Choice choiceFromEnvironment(const char* variable);
// setX(choice) for tests and benchmarks: sets `slot` from argument 0 ("auto", "always" or "never";
// anything else throws, naming `what`) and returns the previous choice's name.
Napi::Value setChoice(const Napi::CallbackInfo& info, Choice& slot, const char* what);

// An upper bound on useThreadsFor's count for the calling thread while it is positive
// (bench/conv-peak.mjs's 1-thread rows; the compiled network's shard threads).
int& threadLimit();

// Bounds the calling thread's kernels to `threads` while it lives, then puts back the bound it
// found, also when an exception leaves the scope.
class ThreadLimitScope {
 public:
  explicit ThreadLimitScope(int threads) : before_(threadLimit()) { threadLimit() = threads; }
  ~ThreadLimitScope() { threadLimit() = before_; }
  ThreadLimitScope(const ThreadLimitScope&) = delete;
  ThreadLimitScope& operator=(const ThreadLimitScope&) = delete;

 private:
  int before_;
};

// The data of a Float32Array argument, in place (the cpu backend's own buffer).
float* floatsAt(const Napi::CallbackInfo& info, size_t index);
int32_t* intsAt(const Napi::CallbackInfo& info, size_t index);
size_t lengthAt(const Napi::CallbackInfo& info, size_t index);
Dims dimsAt(const Napi::CallbackInfo& info, size_t index);
int64_t intAt(const Napi::CallbackInfo& info, size_t index);
double numberAt(const Napi::CallbackInfo& info, size_t index);
bool boolAt(const Napi::CallbackInfo& info, size_t index);
std::string stringAt(const Napi::CallbackInfo& info, size_t index);

// A cache key from the numbers that decide a primitive's shape.
std::string keyOf(const Dims& values);

// Runs `body`, turning C++ and oneDNN exceptions into JavaScript errors (the JS side falls back).
template <typename Body>
Napi::Value guarded(const Napi::CallbackInfo& info, Body body) {
  try {
    body();
  } catch (const dnnl::error& e) {
    Napi::Error::New(info.Env(), std::string("oneDNN: ") + e.what()).ThrowAsJavaScriptException();
  } catch (const std::exception& e) {
    Napi::Error::New(info.Env(), e.what()).ThrowAsJavaScriptException();
  }
  return info.Env().Undefined();
}

}  // namespace nnc
