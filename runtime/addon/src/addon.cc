// The module: one exported function per registered kernel, plus `info()` for diagnostics.
#include <omp.h>

#include "common.h"

namespace nnc {

static Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Object result = Napi::Object::New(info.Env());
  const dnnl_version_t* version = dnnl_version();
  result.Set("onednn", std::to_string(version->major) + "." + std::to_string(version->minor) + "." + std::to_string(version->patch));
  result.Set("cpuRuntime", version->cpu_runtime == DNNL_RUNTIME_OMP ? "OpenMP" : "other");
  result.Set("threads", maxThreads());
  return result;
}

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  for (const auto& [name, function] : registry()) exports.Set(name, Napi::Function::New(env, function, name));
  return exports;
}

}  // namespace nnc

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return nnc::Init(env, exports); }

NODE_API_MODULE(nnc_native, InitModule)
