// The compiled network's max and average pooling over NHWC, on the shared pooling (pooling.h),
// with its backward pass; made once per batch size. Max pooling's forward keeps oneDNN's workspace
// (each window's winner) in the layer's Pooling for the backward pass after it; average pooling
// divides by the window's in-bounds values both ways (its true gradient, as autograd computes it
// through tfjs-layers' AvgPool, which excludes padding).
#include <cstdio>
#include <cstdlib>
#include <map>
#include <stdexcept>

#include "convolution.h"
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

  bool blockable() const override { return activationLayout() != dnnl::memory::format_tag::undef; }
  // A blocked input only (the network's chooseLayouts): a blocked input with an NHWC output pools
  // in the blocked layout into the layer's own array and reorders that to the output.
  void useBlocked(bool in, bool out) override {
    if (!in && out) throw std::logic_error("a pooling layer blocks only a blocked input");
    blockedIn_ = in;
    blockedOut_ = out;
    const WindowGeometry& w = plan_.window;
    outStorage = out ? w.outHeight * w.outWidth * blockedChannels(w.outChannels) : 0;
    poolings_.clear();
  }

  void forward(int64_t batch, const float* in, float* out, bool, MaskRandom&) override {
    Pooling& p = poolingFor(batch);
    useThreadsFor(work(batch));
    if (!reordersOut()) return p.forward(in, out);
    Unblocking& u = unblockingFor(batch);
    p.forward(in, u.blocked.data());
    u.execute(u.toPlain, u.blocked.data(), out);
  }

  void backward(int64_t batch, const float*, const float* out, const float* dOut, float* dIn) override {
    if (!dIn) return;
    Pooling& p = poolingFor(batch);
    useThreadsFor(work(batch));
    if (!reordersOut()) return p.backward(dOut, out, dIn);
    Unblocking& u = unblockingFor(batch);
    u.execute(u.toBlocked, dOut, u.blockedGradient.data());
    p.backward(u.blockedGradient.data(), u.blocked.data(), dIn);
  }

 private:
  double work(int64_t batch) const { return plan_.window.withBatch(batch).poolingWork(); }

  // By batch size and thread count, as the convolutions' passes (net_conv.cc).
  Pooling& poolingFor(int64_t batch) {
    const std::pair<int64_t, int> key{batch, useThreadsFor(work(batch))};
    auto found = poolings_.find(key);
    if (found != poolings_.end()) return *found->second;
    PoolingSetup setup{plan_.window.withBatch(batch), plan_.max ? PoolKind::max : PoolKind::average, AverageDivisor::inBounds, true};
    if (blockedIn_) setup.layout = activationLayout();
    auto made = std::make_unique<Pooling>(setup);
    if (std::getenv("NNC_NATIVE_VERBOSE")) fprintf(stderr, "pool batch %ld: %s\n", static_cast<long>(batch), made->implementation().c_str());
    return *poolings_.emplace(key, std::move(made)).first->second;
  }

  bool reordersOut() const { return blockedIn_ && !blockedOut_; }

  // The blocked output (and its gradient) of a layer whose output is NHWC, with the reorders.
  struct Unblocking {
    std::vector<float> blocked, blockedGradient;
    dnnl::memory plain, inside;
    dnnl::reorder toPlain, toBlocked;
    void execute(dnnl::reorder& r, const float* from, float* to) {
      dnnl::memory& source = &r == &toPlain ? inside : plain;
      dnnl::memory& target = &r == &toPlain ? plain : inside;
      source.set_data_handle(const_cast<float*>(from));
      target.set_data_handle(to);
      r.execute(cpuStream(), source, target);
      cpuStream().wait();
    }
  };
  Unblocking& unblockingFor(int64_t batch) {
    auto found = unblockings_.find(batch);
    if (found != unblockings_.end()) return found->second;
    const auto dims = plan_.window.withBatch(batch).dstDims();
    Unblocking u;
    u.plain = dnnl::memory({dims, dnnl::memory::data_type::f32, dnnl::memory::format_tag::nhwc}, cpuEngine(), nullptr);
    u.inside = dnnl::memory({dims, dnnl::memory::data_type::f32, activationLayout()}, cpuEngine(), nullptr);
    u.blocked.assign(u.inside.get_desc().get_size() / sizeof(float), 0.f);
    u.blockedGradient.assign(u.blocked.size(), 0.f);
    u.toPlain = dnnl::reorder(u.inside, u.plain);
    u.toBlocked = dnnl::reorder(u.plain, u.inside);
    return unblockings_.emplace(batch, std::move(u)).first->second;
  }

  PlannedPool plan_;
  bool blockedIn_ = false, blockedOut_ = false;
  std::map<int64_t, Unblocking> unblockings_;
  std::map<std::pair<int64_t, int>, std::unique_ptr<Pooling>> poolings_;  // each keeps its workspace
};

}  // namespace

std::unique_ptr<Layer> makePool(const PlannedPool& plan) { return std::make_unique<Pool>(plan); }

}  // namespace nnc::net
