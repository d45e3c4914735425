#include "common.h"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <stdexcept>

namespace nnc {

std::vector<std::pair<std::string, KernelFunction>>& registry() {
  static std::vector<std::pair<std::string, KernelFunction>> functions;
  return functions;
}

dnnl::engine& cpuEngine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

// One per thread: the compiled network runs its shards on two threads at once.
dnnl::stream& cpuStream() {
  static thread_local dnnl::stream stream(cpuEngine());
  return stream;
}

// The cores, or fewer when OMP_NUM_THREADS says so: `nnc train --jobs N` gives each worker its
// share of the cores that way, so that N jobs do not oversubscribe the machine; setThreadCount()
// changes it while the process runs (a worker whose siblings have finished takes their cores).
// Read by shard threads too, hence atomic. Results never depend on it (net_network.cc).
static std::atomic<int>& threadCount() {
  static std::atomic<int> threads([] {
    const int cores = omp_get_num_procs();
    const char* asked = std::getenv("OMP_NUM_THREADS");
    const int limit = asked ? std::atoi(asked) : 0;
    return limit > 0 && limit < cores ? limit : cores;
  }());
  return threads;
}

int maxThreads() { return threadCount().load(std::memory_order_relaxed); }

// setThreadCount(n) → the previous count: at most n threads from now on (1 to the cores).
static Napi::Value SetThreadCount(const Napi::CallbackInfo& info) {
  const int previous = maxThreads();
  guarded(info, [&] {
    const int64_t asked = intAt(info, 0);
    if (asked < 1) throw std::invalid_argument("the thread count is 1 or more");
    threadCount().store(static_cast<int>(std::min<int64_t>(asked, omp_get_num_procs())), std::memory_order_relaxed);
  });
  return Napi::Number::New(info.Env(), previous);
}

static const Registration threadCountRegistration("setThreadCount", SetThreadCount);

// Measured on a 2-core machine: below ~2 MFLOP a second thread costs more than it saves.
// NNC_PARALLEL_FLOPS moves the threshold (for measuring on other machines).
static double parallelThreshold() {
  static const double threshold = std::getenv("NNC_PARALLEL_FLOPS") ? std::atof(std::getenv("NNC_PARALLEL_FLOPS")) : 2e6;
  return threshold;
}

// Per thread: a compiled network's shard thread holds its kernels to one thread (net_network.cc).
int& threadLimit() {
  static thread_local int limit = 0;
  return limit;
}

int useThreadsFor(double flops) {
  const int most = threadLimit() > 0 ? std::min(threadLimit(), maxThreads()) : maxThreads();
  const int threads = flops < parallelThreshold() ? 1 : most;
  if (omp_get_max_threads() != threads) omp_set_num_threads(threads);
  return threads;
}

NNC_VECTORIZED void addInto(float* to, const float* from, int64_t n) {
  for (int64_t i = 0; i < n; i++) to[i] += from[i];
}

Choice choiceFromEnvironment(const char* variable) {
  const char* asked = std::getenv(variable);
  const std::string value = asked ? asked : "auto";
  return value == "always" ? Choice::always : value == "never" ? Choice::never : Choice::automatic;
}

Napi::Value setChoice(const Napi::CallbackInfo& info, Choice& slot, const char* what) {
  static const char* names[] = {"auto", "always", "never"};
  const std::string previous = names[static_cast<int>(slot)];
  guarded(info, [&] {
    const std::string asked = stringAt(info, 0);
    if (asked == "auto") slot = Choice::automatic;
    else if (asked == "always") slot = Choice::always;
    else if (asked == "never") slot = Choice::never;
    else throw std::invalid_argument(std::string(what) + " is auto, always or never");
  });
  return Napi::String::New(info.Env(), previous);
}

static Napi::TypedArray typedArrayAt(const Napi::CallbackInfo& info, size_t index, napi_typedarray_type type) {
  const Napi::Value value = info[index];
  if (!value.IsTypedArray()) throw std::invalid_argument("argument " + std::to_string(index) + " is not a typed array");
  Napi::TypedArray array = value.As<Napi::TypedArray>();
  if (array.TypedArrayType() != type) throw std::invalid_argument("argument " + std::to_string(index) + " has the wrong element type");
  return array;
}

float* floatsAt(const Napi::CallbackInfo& info, size_t index) {
  return typedArrayAt(info, index, napi_float32_array).As<Napi::Float32Array>().Data();
}

int32_t* intsAt(const Napi::CallbackInfo& info, size_t index) {
  return typedArrayAt(info, index, napi_int32_array).As<Napi::Int32Array>().Data();
}

size_t lengthAt(const Napi::CallbackInfo& info, size_t index) {
  const Napi::Value value = info[index];
  if (!value.IsTypedArray()) throw std::invalid_argument("argument " + std::to_string(index) + " is not a typed array");
  return value.As<Napi::TypedArray>().ElementLength();
}

Dims dimsAt(const Napi::CallbackInfo& info, size_t index) {
  const Napi::Value value = info[index];
  if (!value.IsArray()) throw std::invalid_argument("argument " + std::to_string(index) + " is not an array");
  Napi::Array array = value.As<Napi::Array>();
  Dims dims(array.Length());
  for (uint32_t i = 0; i < array.Length(); i++) dims[i] = array.Get(i).As<Napi::Number>().Int64Value();
  return dims;
}

int64_t intAt(const Napi::CallbackInfo& info, size_t index) { return info[index].As<Napi::Number>().Int64Value(); }
double numberAt(const Napi::CallbackInfo& info, size_t index) { return info[index].As<Napi::Number>().DoubleValue(); }
bool boolAt(const Napi::CallbackInfo& info, size_t index) { return info[index].ToBoolean().Value(); }
std::string stringAt(const Napi::CallbackInfo& info, size_t index) { return info[index].As<Napi::String>().Utf8Value(); }

std::string keyOf(const Dims& values) {
  std::string key;
  for (int64_t v : values) {
    key += std::to_string(v);
    key += ',';
  }
  return key;
}

}  // namespace nnc
