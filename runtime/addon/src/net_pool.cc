// The compiled network's max and average pooling over NHWC, on the shared pooling (pooling.h),
// with its backward pass; made once per batch size. Max pooling's forward keeps oneDNN's workspace
// (each window's winner) in the layer's Pooling for the backward pass after it; average pooling
// divides by the window's in-bounds values both ways (its true gradient, as autograd computes it
// through tfjs-layers' AvgPool, which excludes padding).
#include <cstdio>
#include <cstdlib>
#include <map>

#include "net_layer.h"
#include "pooling.h"

namespace nnc::net {
namespace {

class Pool : public Layer {
 public:
  explicit Pool(const PlannedPool& plan) : plan_(plan) {
    inSize = plan_.window.inSize();
    outSize = plan_.window.outSize();
  }

  void forward(int64_t batch, const float* in, float* out, bool, MaskRandom&) override {
    Pooling& p = poolingFor(batch);
    useThreadsFor(work(batch));
    p.forward(in, out);
  }

  void backward(int64_t batch, const float*, const float* out, const float* dOut, float* dIn) override {
    if (!dIn) return;
    Pooling& p = poolingFor(batch);
    useThreadsFor(work(batch));
    p.backward(dOut, out, dIn);
  }

 private:
  double work(int64_t batch) const { return plan_.window.withBatch(batch).poolingWork(); }

  Pooling& poolingFor(int64_t batch) {
    auto found = poolings_.find(batch);
    if (found != poolings_.end()) return *found->second;
    useThreadsFor(work(batch));
    const PoolingSetup setup{plan_.window.withBatch(batch), plan_.max ? PoolKind::max : PoolKind::average, AverageDivisor::inBounds, true};
    auto made = std::make_unique<Pooling>(setup);
    if (std::getenv("NNC_NATIVE_VERBOSE")) fprintf(stderr, "pool batch %ld: %s\n", static_cast<long>(batch), made->implementation().c_str());
    return *poolings_.emplace(batch, std::move(made)).first->second;
  }

  PlannedPool plan_;
  std::map<int64_t, std::unique_ptr<Pooling>> poolings_;  // by batch size; each keeps its workspace
};

}  // namespace

std::unique_ptr<Layer> makePool(const PlannedPool& plan) { return std::make_unique<Pool>(plan); }

}  // namespace nnc::net
