// `Network`: a sequential model compiled for training in one native call per batch. It gathers
// the batch's rows, runs every layer forward, computes the cost (as runtime/train/losses.ts
// defines it) and accuracy, runs every layer backward, adds the L1/L2 gradient, clips, and applies
// the optimizer (net_optimizer.cc) to the weights in TensorFlow.js's own buffers.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <variant>

#include "convolution.h"
#include "net_layer.h"
#include "net_optimizer.h"
#include "net_plan.h"

namespace nnc::net {
namespace {

constexpr float kEpsilon = 1e-7f;  // as runtime/train/losses.ts: keeps log() finite

// Σg² in double, over 32 independent partial sums: one serial chain of double additions took
// ~1.5 ms per step over 6_dropout.nn's 1.65 M weights (4 cycles each); 8 partial sums vectorize
// but are still two chains of additions (4.5 µs per 32K values on AVX-512), 32 are eight (3.4 µs).
constexpr int kSquareLanes = 32;
NNC_VECTORIZED double squaredSum(const float* g, int64_t n) {
  double lanes[kSquareLanes] = {};
  int64_t i = 0;
  for (; i + kSquareLanes <= n; i += kSquareLanes)
    for (int j = 0; j < kSquareLanes; j++) lanes[j] += static_cast<double>(g[i + j]) * g[i + j];
  double sum = 0;
  for (; i < n; i++) sum += static_cast<double>(g[i]) * g[i];
  for (int j = 0; j < kSquareLanes; j++) sum += lanes[j];
  return sum;
}

// g[i] of n values, with w its weights: + the L2 term, + the L1 term, clipped by value (each when
// its flag is set, as Network::regularize and updateRange wrote them in passes of their own), and
// Σg² as squaredSum sums it: the same bits as those three passes, in one, so a fused update's block
// is read twice (here, then the optimizer), not four times. With the 32 partial sums above,
// 6_dropout.nn at batch 10, SGD + L2: 2.69 → 2.54 ms per step on two threads, 4.58 → 4.35 on one
// (a busy 2-core Xeon). Plain SGD's update in this pass too measured no better (4.50 → 4.43 ms on
// one thread, within the noise on two).
template <bool kL2, bool kL1, bool kClip>
inline __attribute__((always_inline)) double regularizedSquares(float* g, const float* w, int64_t n, float l2, float l1, float clipMax) {
  const auto one = [&](int64_t i) {
    float v = g[i];
    if (kL2) v += 2.f * l2 * w[i];
    // tfjs's |w|' is 1 for w > 0 and −1 otherwise (at 0 too), which autograd's runs follow.
    if (kL1) v += l1 * (w[i] > 0.f ? 1.f : -1.f);
    // As tfjs's clipByValue, NaN passes (std::min/max would turn it into −max).
    if (kClip) v = v != v ? v : std::min(clipMax, std::max(-clipMax, v));
    g[i] = v;
    return static_cast<double>(v) * v;
  };
  double lanes[kSquareLanes] = {};
  int64_t i = 0;
  for (; i + kSquareLanes <= n; i += kSquareLanes)
    for (int j = 0; j < kSquareLanes; j++) lanes[j] += one(i + j);
  double sum = 0;
  for (; i < n; i++) sum += one(i);
  for (int j = 0; j < kSquareLanes; j++) sum += lanes[j];
  return sum;
}

NNC_VECTORIZED double regularizedSquares(float* g, const float* w, int64_t n, float l2, float l1, bool clip, float clipMax) {
  switch ((l2 != 0.f ? 4 : 0) + (l1 != 0.f ? 2 : 0) + (clip ? 1 : 0)) {
    case 0: return regularizedSquares<false, false, false>(g, w, n, l2, l1, clipMax);
    case 1: return regularizedSquares<false, false, true>(g, w, n, l2, l1, clipMax);
    case 2: return regularizedSquares<false, true, false>(g, w, n, l2, l1, clipMax);
    case 3: return regularizedSquares<false, true, true>(g, w, n, l2, l1, clipMax);
    case 4: return regularizedSquares<true, false, false>(g, w, n, l2, l1, clipMax);
    case 5: return regularizedSquares<true, false, true>(g, w, n, l2, l1, clipMax);
    case 6: return regularizedSquares<true, true, false>(g, w, n, l2, l1, clipMax);
    default: return regularizedSquares<true, true, true>(g, w, n, l2, l1, clipMax);
  }
}

// NNC_NATIVE_PROFILE=N: every N steps, the mean milliseconds per step of each layer's forward and
// backward pass and of the update, to stderr (a measuring aid; off by default). Per layer with
// NNC_SHARDS=never only: a sharded step's layers all count under L0's forward.
struct Profile {
  explicit Profile(size_t slots, int64_t every) : ms(slots, 0.0), every(every) {}
  std::vector<double> ms;
  int64_t every, steps = 0;
  struct Clock {
    explicit Clock(Profile* p) : profile(p), last(std::chrono::steady_clock::now()) {}
    void lap(size_t slot) {
      if (!profile) return;
      const auto now = std::chrono::steady_clock::now();
      profile->ms[slot] += std::chrono::duration<double, std::milli>(now - last).count();
      last = now;
    }
    Profile* profile;
    std::chrono::steady_clock::time_point last;
  };
  void stepDone() {
    if (++steps < every) return;
    std::string line = "nnc profile, ms per step:";
    for (size_t i = 0; i + 1 < ms.size(); i += 2) line += " L" + std::to_string(i / 2) + " " + std::to_string(ms[i] / steps).substr(0, 5) + "/" + std::to_string(ms[i + 1] / steps).substr(0, 5);
    line += " update " + std::to_string(ms.back() / steps).substr(0, 5);
    fprintf(stderr, "%s\n", line.c_str());
    std::fill(ms.begin(), ms.end(), 0.0);
    steps = 0;
  }
};

// One shard's copy of the layers: its own activations, gradients and per-batch scratch, the
// weights shared (bound to the same arrays). Shard 0's parameters also hold the optimizer's state;
// the others' hold only their gradient, added into shard 0's at the update.
struct Replica {
  std::vector<std::unique_ptr<Layer>> layers;
  std::vector<std::unique_ptr<Parameter>> parameters, states;
  std::vector<std::vector<float>> activations, gradients;
  std::vector<float> targets;
  MaskRandom random;
  int64_t capacity = 0;
};

// A batch is split into kShards shards of consecutive rows when the network allows it (no batch
// normalization, whose statistics are over the whole batch) and the batch has enough work per
// weight: on two threads each shard then runs its whole forward and backward pass alone, with no
// barrier between layers (two-conv network: batch 10 1.95 → 1.29 ms per step, batch 32 6.3 →
// 4.7 ms, bench/conv-step.mjs on a 2-core Xeon), but every shard has its own weight gradients,
// added together at the update, and reads every weight: for dense networks at small batches
// that costs more than it saves (6_dropout.nn at batch 10: 4.2 → 4.9 ms; at batch 32 12.6 →
// 10.2 ms). Sharding pays from about kShardWork forward flops of the batch per weight; where only
// the convolutions at a network's start have that much, they alone are sharded (planFor: 6_dropout.nn
// at batch 10, 3.6–4.4 → 3.1–4.0 ms on a noisy machine). The choice
// depends on the batch and the network, never on the threads, so a step's result does not either:
// with one thread, or more than two, the shards run one after the other.
constexpr int kShards = 2;
constexpr double kShardWork = 80;

// Whether networks made from now on shard by work (automatic), always (where allowed) or never:
// NNC_SHARDS=auto|always|never, or setShardChoice() (tests and benchmarks).
using ShardChoice = Choice;
ShardChoice& shardChoice() {
  static ShardChoice choice = choiceFromEnvironment("NNC_SHARDS");
  return choice;
}

// With ShardChoice::always, shard only the first N layers while N > 0 (setShardPrefix; tests).
int& forcedPrefix() {
  static int layers = 0;
  return layers;
}

// Whether networks made from now on let their dense layers update their kernels during the
// backward pass (Layer::backwardUpdating): NNC_FUSED_UPDATE=auto|never, or setFusedUpdate()
// (tests and benchmarks; `always` is `auto`: the network fuses wherever it may).
Choice& fusedUpdateChoice() {
  static Choice choice = choiceFromEnvironment("NNC_FUSED_UPDATE");
  return choice;
}

// Values per block of a fused update: 32 rows of a 1,000-unit kernel, gradient and weights
// 256 KB together, within one core's L2 (1–2 MB on the machines measured) with room for the
// rest; fewer, larger blocks call the GEMM less often (measured: 16 rows 1.24 ms, 32 rows 1.07,
// 64 rows 1.00 for a 1000×1000 kernel at batch 10, but 64 rows split 1,000 inputs into only 16
// blocks for two threads). setUpdateBlock() changes it for tests (tiny blocks: many per layer).
constexpr int64_t kUpdateBlock = 32768;
int64_t& updateBlockValues() {
  static int64_t values = kUpdateBlock;
  return values;
}

// Forward flops of one example through a layer (multiply-adds × 2; the layers without weights
// count nothing).
double forwardFlops(const PlannedLayer& entry) {
  if (const auto* d = std::get_if<PlannedDense>(&entry)) return 2.0 * d->inputs * d->units;
  if (const auto* c = std::get_if<PlannedConv>(&entry)) return c->window.withBatch(1).convolutionFlops();
  if (const auto* r = std::get_if<PlannedRecurrent>(&entry)) return 2.0 * r->steps * (r->features + r->units) * gateBlocks(r->cell) * r->units;
  return 0;
}

class Network : public Napi::ObjectWrap<Network> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Network",
                       {InstanceMethod("step", &Network::Step), InstanceMethod("evaluate", &Network::Evaluate), InstanceMethod("state", &Network::State),
                        InstanceMethod("steps", &Network::Steps), InstanceMethod("restoreSteps", &Network::RestoreSteps), InstanceMethod("parameterCount", &Network::ParameterCount),
                        InstanceMethod("shards", &Network::Shards)});
  }

  explicit Network(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Network>(info) {
    try {
      build(decodePlan(info[0]));
    } catch (const std::exception& e) {
      Napi::Error::New(info.Env(), std::string("cannot compile the network: ") + e.what()).ThrowAsJavaScriptException();
    }
  }

 private:
  Parameter* addParameter(int64_t size, float l1, float l2) {
    auto p = std::make_unique<Parameter>();
    p->size = size;
    p->gradient.assign(size, 0.f);
    if (replicas_.size() == 1)
      for (int s = 0; s < optimizer_->slotCount(); s++) p->slots[s].assign(size, optimizer_->initialSlotValue());
    p->l1 = l1;
    p->l2 = l2;
    building_->parameters.push_back(std::move(p));
    return building_->parameters.back().get();
  }

  std::unique_ptr<Layer> make(const PlannedDense& d) {
    Parameter* kernel = addParameter(d.inputs * d.units, static_cast<float>(d.l1), static_cast<float>(d.l2));
    Parameter* bias = d.bias ? addParameter(d.units, 0.f, 0.f) : nullptr;
    return makeDense(d, kernel, bias);
  }
  std::unique_ptr<Layer> make(const PlannedConv& c) {
    const WindowGeometry& w = c.window;
    Parameter* kernel = addParameter(w.filterHeight * w.filterWidth * w.inChannels * w.outChannels, static_cast<float>(c.l1), static_cast<float>(c.l2));
    Parameter* bias = c.bias ? addParameter(w.outChannels, 0.f, 0.f) : nullptr;
    return makeConv(c, kernel, bias);
  }
  std::unique_ptr<Layer> make(const PlannedPool& p) { return makePool(p); }
  std::unique_ptr<Layer> make(const PlannedRecurrent& r) {
    const int64_t width = gateBlocks(r.cell) * r.units;
    Parameter* kernel = addParameter(r.features * width, static_cast<float>(r.l1), static_cast<float>(r.l2));
    Parameter* recurrent = addParameter(r.units * width, static_cast<float>(r.l1), static_cast<float>(r.l2));
    // A reset-after GRU has an input and a recurrent bias: [2, width].
    Parameter* bias = r.bias ? addParameter(r.cell == Cell::GruResetAfter ? 2 * width : width, 0.f, 0.f) : nullptr;
    return makeRecurrent(r, kernel, recurrent, bias);
  }
  std::unique_ptr<Layer> make(const PlannedBatchNorm& b) {
    Parameter* gamma = b.scale ? addParameter(b.channels, 0.f, 0.f) : nullptr;
    Parameter* beta = b.center ? addParameter(b.channels, 0.f, 0.f) : nullptr;
    Parameter* movingMean = addState(b.channels);
    Parameter* movingVariance = addState(b.channels);
    return makeBatchNorm(b, gamma, beta, movingMean, movingVariance);
  }
  std::unique_ptr<Layer> make(const PlannedDropout& d) { return makeDropout(d); }
  std::unique_ptr<Layer> make(const PlannedActivation& a) { return makeActivation(a); }

  // A non-trained array a layer updates itself (batch norm's moving statistics).
  Parameter* addState(int64_t size) {
    auto p = std::make_unique<Parameter>();
    p->size = size;
    building_->states.push_back(std::move(p));
    return building_->states.back().get();
  }

  // The layers and parameters of a decoded plan (net_plan.h), in plan order, once per shard.
  void build(const NetworkPlan& plan) {
    inputSize_ = plan.inputSize;
    outputSize_ = plan.outputSize;
    loss_ = plan.loss;
    optimizer_ = std::make_unique<Optimizer>(plan.optimizer);
    clip_ = plan.clip;
    clipMax_ = static_cast<float>(plan.clipMax);
    plan_ = plan;
    bool wholeBatch = false;
    for (const PlannedLayer& entry : plan.layers) {
      wholeBatch = wholeBatch || std::holds_alternative<PlannedBatchNorm>(entry);
      layerFlops_.push_back(forwardFlops(entry));
      flopsPerExample_ += layerFlops_.back();
    }
    shards_ = wholeBatch ? ShardChoice::never : shardChoice();
    fuseUpdates_ = fusedUpdateChoice() != Choice::never && clip_ != Clip::Norm;
    updateBlock_ = updateBlockValues();
    addReplica();
    int64_t size = inputSize_;
    for (const auto& layer : layers()) {
      if (layer->inSize != size) throw std::invalid_argument("layer sizes do not chain");
      size = layer->outSize;
    }
    if (size != outputSize_) throw std::invalid_argument("the last layer's size is not the output size");
    if (const char* every = std::getenv("NNC_NATIVE_PROFILE")) profile_ = std::make_unique<Profile>(2 * layers().size() + 1, std::max(1, std::atoi(every)));
  }

  // Another copy of the plan's layers (the first holds the optimizer's state).
  void addReplica() {
    replicas_.emplace_back();
    building_ = &replicas_.back();
    for (const PlannedLayer& entry : plan_.layers) building_->layers.push_back(std::visit([this](const auto& layer) { return make(layer); }, entry));
    chooseLayouts(building_->layers);
    building_ = nullptr;
  }

  // How a step of `batch` rows runs: layers [0, sharded) in `shards` shards, the rest (if any) on
  // the whole batch in shard 0's layers. A network with enough work per weight as a whole is
  // sharded through; otherwise the convolutions at its start may be (6_dropout.nn: two conv-pool
  // blocks, then dense layers of 1.65 M weights), when every weighted layer of that prefix has
  // enough work per weight on its own and the prefix is at least a quarter of the flops.
  struct StepPlan {
    int shards = 1;
    size_t sharded = 0;
  };
  StepPlan planFor(int64_t batch) const {
    const size_t n = replicas_[0].layers.size();
    if (shards_ == ShardChoice::never || batch < kShards) return {1, n};
    if (shards_ == ShardChoice::always) return {kShards, forcedPrefix() > 0 ? std::min(n, static_cast<size_t>(forcedPrefix())) : n};
    const auto enough = [batch](double flops, double weights) { return static_cast<double>(batch) * flops >= kShardWork * weights; };
    double weights = 0;
    for (const auto& p : replicas_[0].parameters) weights += static_cast<double>(p->size);
    if (enough(flopsPerExample_, weights)) return {kShards, n};
    size_t prefix = 0;
    double prefixFlops = 0;
    while (prefix < n) {
      const Layer& layer = *replicas_[0].layers[prefix];
      double layerWeights = 0;
      for (const Parameter* p : layer.parameters) layerWeights += static_cast<double>(p->size);
      if (layerWeights > 0 && !enough(layerFlops_[prefix], layerWeights)) break;
      prefixFlops += layerFlops_[prefix];
      prefix++;
    }
    if (prefix == 0 || prefixFlops < 0.25 * flopsPerExample_) return {1, n};
    return {kShards, prefix};
  }

  // Shard 0's layers and parameters: the ones evaluation uses and the optimizer updates.
  std::vector<std::unique_ptr<Layer>>& layers() { return replicas_[0].layers; }
  std::vector<std::unique_ptr<Parameter>>& parameters() { return replicas_[0].parameters; }

  // Which layers keep their activations blocked (net_layer.h): a run of convolution and pooling
  // layers starting at a convolution, each output but the run's last.
  static void chooseLayouts(std::vector<std::unique_ptr<Layer>>& layers) {
    if (activationLayout() == dnnl::memory::format_tag::undef) return;
    bool blockedIn = false;
    for (size_t i = 0; i < layers.size(); i++) {
      Layer& layer = *layers[i];
      const bool next = i + 1 < layers.size() && layers[i + 1]->blockable();
      const bool blockedOut = layer.blockable() && next && (blockedIn || layer.blocksFromPlain());
      if (blockedIn || blockedOut) layer.useBlocked(blockedIn, blockedOut);
      blockedIn = blockedOut;
    }
  }

  void ensureBuffers(Replica& r, int64_t batch) {
    if (batch <= r.capacity) return;
    r.capacity = batch;
    r.activations.resize(r.layers.size() + 1);
    r.gradients.resize(r.layers.size() + 1);
    r.activations[0].resize(batch * inputSize_);
    r.gradients[0].clear();
    for (size_t i = 0; i < r.layers.size(); i++) {
      r.activations[i + 1].resize(batch * r.layers[i]->storedOut());
      r.gradients[i + 1].resize(batch * r.layers[i]->storedOut());
    }
    r.targets.resize(batch * outputSize_);
  }

  // Copies rows order[from … to-1] (or from … to-1 when order is null) of `data` into `into`.
  static void gather(const float* data, const uint32_t* order, int64_t from, int64_t to, int64_t width, float* into) {
    for (int64_t i = from; i < to; i++) {
      const int64_t row = order ? order[i] : i;
      std::memcpy(into + (i - from) * width, data + row * width, sizeof(float) * width);
    }
  }

  // The summed cost of `rows` examples of a batch of `batch` and dC/da of the batch's mean cost
  // into `dA`; the number of correct predictions into `correct` and the summed per-example mean
  // absolute error into `absolute` (the mae metric). The batch's mean cost is float(Σ / batch).
  double cost(int64_t rows, int64_t batch, const float* a, const float* y, float* dA, double& correct, double& absolute) const {
    const int64_t n = outputSize_;
    const float scale = 1.f / static_cast<float>(batch);
    // mse and mae average over the output units too.
    const float unitScale = 1.f / static_cast<float>(batch * n);
    double total = 0;
    correct = 0;
    absolute = 0;
    for (int64_t r = 0; r < rows; r++) {
      const float* ar = a + r * n;
      const float* yr = y + r * n;
      float* dr = dA + r * n;
      double rowCost = 0;
      for (int64_t j = 0; j < n; j++) {
        switch (loss_) {
          case Loss::Quadratic: {
            // Squared in float, as tfjs does: a difference past 1.8e19 overflows to ∞ there too.
            const float diff = ar[j] - yr[j];
            const float squared = diff * diff;
            rowCost += squared;
            dr[j] = diff * scale;
            break;
          }
          case Loss::MeanSquared: {
            const float diff = ar[j] - yr[j];
            const float squared = diff * diff;
            rowCost += static_cast<double>(squared) / n;
            dr[j] = 2.f * diff * unitScale;
            break;
          }
          case Loss::MeanAbsolute: {
            // tfjs's |x|' is 1 for x > 0 and −1 otherwise, here x = y − a.
            const float diff = yr[j] - ar[j];
            rowCost += std::fabs(static_cast<double>(diff)) / n;
            dr[j] = (diff > 0.f ? -1.f : 1.f) * unitScale;
            break;
          }
          case Loss::CrossEntropy: {
            // tfjs's clipByValue lets NaN through (its gradient there is 0): a diverged output
            // must give a NaN cost, never the clipped log(1) = 0.
            const bool inside = ar[j] >= kEpsilon && ar[j] <= 1.f;
            const float p = inside || ar[j] != ar[j] ? ar[j] : (ar[j] < kEpsilon ? kEpsilon : 1.f);
            rowCost -= yr[j] * std::log(p);
            dr[j] = inside ? -yr[j] / p * scale : 0.f;
            break;
          }
          case Loss::BinaryCrossEntropy: {
            const bool inside = ar[j] >= kEpsilon && ar[j] <= 1.f - kEpsilon;
            const float p = inside || ar[j] != ar[j] ? ar[j] : (ar[j] < kEpsilon ? kEpsilon : 1.f - kEpsilon);
            rowCost -= yr[j] * std::log(p) + (1.f - yr[j]) * std::log(1.f - p);
            dr[j] = inside ? -(yr[j] / p - (1.f - yr[j]) / (1.f - p)) * scale : 0.f;
            break;
          }
        }
      }
      // tfjs sums each example's units into a float32 tensor (perExampleSumMean): a sum past
      // float's range is ∞ there, and so here.
      if (loss_ == Loss::Quadratic) total += 0.5 * static_cast<float>(rowCost);
      else if (loss_ == Loss::CrossEntropy || loss_ == Loss::BinaryCrossEntropy) total += static_cast<float>(rowCost);
      else total += rowCost;
      double rowAbsolute = 0;
      for (int64_t j = 0; j < n; j++) rowAbsolute += std::fabs(static_cast<double>(yr[j] - ar[j]));
      absolute += rowAbsolute / n;
      if (n == 1) {
        correct += (ar[0] > 0.5f) == (yr[0] > 0.5f);
      } else {
        int64_t best = 0, truth = 0;
        for (int64_t j = 1; j < n; j++) {
          if (ar[j] > ar[best]) best = j;
          if (yr[j] > yr[truth]) truth = j;
        }
        correct += best == truth;
      }
    }
    return total;
  }

  // The cost is a float32 scalar in tfjs: one beyond float's range is reported as ∞, not as a
  // large double, so both paths see the same divergence.
  static double meanCost(double total, int64_t batch) { return static_cast<float>(total / batch); }

  static void bind(const Napi::Value& arrays, std::vector<std::unique_ptr<Parameter>>& into, const char* what) {
    const Napi::Array list = arrays.IsArray() ? arrays.As<Napi::Array>() : Napi::Array::New(arrays.Env());
    if (list.Length() != into.size()) throw std::invalid_argument(std::string("wrong number of ") + what + " arrays");
    for (uint32_t i = 0; i < list.Length(); i++) {
      Napi::Float32Array w = list.Get(i).As<Napi::Float32Array>();
      if (static_cast<int64_t>(w.ElementLength()) != into[i]->size) throw std::invalid_argument(std::string(what) + " array " + std::to_string(i) + " has the wrong size");
      into[i]->values = w.Data();
    }
  }

  void bindWeights(const Napi::Array& weights, const Napi::Value& states) {
    for (Replica& r : replicas_) {
      bind(weights, r.parameters, "weight");
      bind(states, r.states, "state");
    }
  }

  // evaluate(x, y, count, weights[], out: Float64Array[3], states[]): the summed cost, the summed absolute error and the number of
  // correct predictions over `count` rows, in inference mode (no dropout), in chunks.
  Napi::Value Evaluate(const Napi::CallbackInfo& info) {
    return guarded(info, [&] {
      const float* x = floatsAt(info, 0);
      const float* y = floatsAt(info, 1);
      const int64_t count = intAt(info, 2);
      bindWeights(info[3].As<Napi::Array>(), info[5]);
      double* out = info[4].As<Napi::Float64Array>().Data();
      constexpr int64_t kChunk = 500;
      Replica& r = replicas_[0];
      ensureBuffers(r, std::min(count, kChunk));
      out[0] = out[1] = out[2] = 0;
      for (int64_t from = 0; from < count; from += kChunk) {
        const int64_t batch = std::min(kChunk, count - from);
        gather(x, nullptr, from, from + batch, inputSize_, r.activations[0].data());
        gather(y, nullptr, from, from + batch, outputSize_, r.targets.data());
        for (size_t i = 0; i < r.layers.size(); i++) r.layers[i]->forward(batch, r.activations[i].data(), r.activations[i + 1].data(), false, r.random);
        double correct = 0, absolute = 0;
        out[0] += meanCost(cost(batch, batch, r.activations.back().data(), r.targets.data(), r.gradients.back().data(), correct, absolute), batch) * batch;
        out[1] += correct;
        out[2] += absolute;
      }
    });
  }

  // Layers [first, last) forward over `rows` rows of r, and back down from `last` to `first`.
  static void forwardLayers(Replica& r, int64_t rows, size_t first, size_t last, Profile::Clock* clock) {
    for (size_t i = first; i < last; i++) {
      r.layers[i]->forward(rows, r.activations[i].data(), r.activations[i + 1].data(), true, r.random);
      if (clock) clock->lap(2 * i);
    }
  }
  // With `finish`, layers that can update their parameters as they go do (Layer::backwardUpdating).
  void backwardLayers(Replica& r, int64_t rows, size_t first, size_t last, Profile::Clock* clock, const FinishRange* finish = nullptr) {
    for (size_t i = last; i-- > first;) {
      float* dIn = i == 0 ? nullptr : r.gradients[i].data();
      Layer& layer = *r.layers[i];
      if (finish) {
        const Finished done = layer.backwardUpdating(rows, r.activations[i].data(), r.activations[i + 1].data(), r.gradients[i + 1].data(), dIn, *finish, updateBlock_);
        if (done.parameter) step_.finished[indexOf(done.parameter)] = done;
      } else {
        layer.backward(rows, r.activations[i].data(), r.activations[i + 1].data(), r.gradients[i + 1].data(), dIn);
      }
      if (clock) clock->lap(2 * i + 1);
    }
  }

  size_t indexOf(const Parameter* p) {
    const auto& all = parameters();
    for (size_t k = 0; k < all.size(); k++)
      if (all[k].get() == p) return k;
    throw std::logic_error("a layer updated a parameter the network does not hold");
  }

  // Runs work(s) for every shard: side by side, one thread each, where there are exactly as many
  // threads as shards; one after the other otherwise. The first exception is rethrown after all.
  template <class Work>
  void onShards(int shards, const Work& work) {
    std::exception_ptr errors[kShards];
    const auto guardedWork = [&](int s) {
      try {
        work(s);
      } catch (...) {
        errors[s] = std::current_exception();
      }
    };
    if (shards > 1 && maxThreads() == shards) {
      // oneDNN sizes a primitive's thread team when it is made, and a pass made for two threads
      // run inside this region (one thread each) waits at its barrier forever: each shard thread
      // holds its kernels to one thread, before any of its passes is made.
#pragma omp parallel for schedule(static, 1) num_threads(shards)
      for (int s = 0; s < shards; s++) {
        const ThreadLimitScope oneThread(1);
        useThreadsFor(0);
        guardedWork(s);
      }
    } else {
      for (int s = 0; s < shards; s++) guardedWork(s);
    }
    for (int s = 0; s < shards; s++)
      if (errors[s]) std::rethrow_exception(errors[s]);
  }

  // Copies `rows` rows of `width` values from row `fromRow` of one array to row `toRow` of another.
  static void copyRows(const std::vector<float>& from, int64_t fromRow, std::vector<float>& to, int64_t toRow, int64_t rows, int64_t width) {
    std::memcpy(to.data() + toRow * width, from.data() + fromRow * width, sizeof(float) * rows * width);
  }

  // step(x, y, order | null, from, to, weights[], lr, seed, out: Float64Array[4 + parameters], states[]):
  // the mean cost, the number correct, the summed absolute error, each parameter's squared gradient
  // norm, then the index of the first array that is not finite after the step (the parameters in
  // order, then the states), or −1.
  Napi::Value Step(const Napi::CallbackInfo& info) {
    return guarded(info, [&] {
      const float* x = floatsAt(info, 0);
      const float* y = floatsAt(info, 1);
      const uint32_t* order = info[2].IsTypedArray() ? reinterpret_cast<const uint32_t*>(info[2].As<Napi::Uint32Array>().Data()) : nullptr;
      const int64_t from = intAt(info, 3), to = intAt(info, 4), batch = to - from;
      Napi::Array weights = info[5].As<Napi::Array>();
      const float lr = static_cast<float>(numberAt(info, 6));
      const uint64_t seed = static_cast<uint64_t>(intAt(info, 7));
      Napi::Float64Array outArray = info[8].As<Napi::Float64Array>();
      if (outArray.ElementLength() < 4 + parameters().size()) throw std::invalid_argument("the step's output array is too short");
      double* out = outArray.Data();
      if (batch <= 0) throw std::invalid_argument("empty batch");
      // Shard s takes the s-th run of consecutive rows; its dropout masks come from its own stream.
      const StepPlan plan = planFor(batch);
      step_.shards = plan.shards;
      step_.shardedParameters = 0;
      for (size_t i = 0; i < plan.sharded; i++) step_.shardedParameters += layers()[i]->parameters.size();
      while (static_cast<int>(replicas_.size()) < step_.shards) addReplica();
      bindWeights(weights, info[9]);
      const size_t n = layers().size();
      const int64_t per = (batch + step_.shards - 1) / step_.shards;
      const auto rowsOf = [&](int s) { return std::min(batch, (s + 1) * per) - s * per; };
      Profile::Clock clock(profile_.get());
      Profile::Clock* layerClock = step_.shards == 1 ? &clock : nullptr;
      step_.finished.assign(parameters().size(), Finished{});
      const FinishRange finishRange = [this, lr](Parameter& p, float* g, int64_t begin, int64_t end) { return updateRange(indexOf(&p), lr, g, begin, end); };
      // Layers on the whole batch may update as they go; a shard's gradients are only part of one.
      const FinishRange* finish = fuseUpdates_ ? &finishRange : nullptr;
      double totals[kShards] = {0, 0}, correct[kShards] = {0, 0}, absolute[kShards] = {0, 0};
      Replica& whole = replicas_[0];
      if (plan.sharded < n) ensureBuffers(whole, batch);
      onShards(step_.shards, [&](int s) {
        Replica& r = replicas_[s];
        r.random.seed(s == 0 ? seed : seed ^ (0xD1B54A32D192ED03ull * static_cast<uint64_t>(s)));
        const int64_t rows = rowsOf(s), begin = from + s * per;
        ensureBuffers(r, rows);
        gather(x, order, begin, begin + rows, inputSize_, r.activations[0].data());
        forwardLayers(r, rows, 0, plan.sharded, layerClock);
        if (plan.sharded < n) return;
        gather(y, order, begin, begin + rows, outputSize_, r.targets.data());
        totals[s] = cost(rows, batch, r.activations.back().data(), r.targets.data(), r.gradients.back().data(), correct[s], absolute[s]);
        backwardLayers(r, rows, 0, n, layerClock, step_.shards == 1 ? finish : nullptr);
      });
      if (plan.sharded < n) {
        // The rest of the network on the whole batch: the shards' outputs gathered into shard 0's
        // array after its own rows, the gradient there handed back to each shard's rows.
        const int64_t width = plan.sharded == 0 ? inputSize_ : layers()[plan.sharded - 1]->storedOut();
        for (int s = 1; s < step_.shards; s++) copyRows(replicas_[s].activations[plan.sharded], 0, whole.activations[plan.sharded], s * per, rowsOf(s), width);
        gather(y, order, from, to, outputSize_, whole.targets.data());
        forwardLayers(whole, batch, plan.sharded, n, nullptr);
        totals[0] = cost(batch, batch, whole.activations.back().data(), whole.targets.data(), whole.gradients.back().data(), correct[0], absolute[0]);
        backwardLayers(whole, batch, plan.sharded, n, nullptr, finish);
        for (int s = 1; s < step_.shards; s++) copyRows(whole.gradients[plan.sharded], s * per, replicas_[s].gradients[plan.sharded], 0, rowsOf(s), width);
        onShards(step_.shards, [&](int s) { backwardLayers(replicas_[s], rowsOf(s), 0, plan.sharded, nullptr); });
      }
      if (step_.shards > 1 && profile_) clock.lap(0);
      double total = 0;
      out[1] = out[2] = 0;
      for (int s = 0; s < step_.shards; s++) {
        total += totals[s];
        out[1] += correct[s];
        out[2] += absolute[s];
      }
      out[0] = meanCost(total, batch);
      const int64_t badState = firstNonFiniteState();
      const int64_t badParameter = update(lr, out + 3);
      clock.lap(2 * layers().size());
      if (profile_) profile_->stepDone();
      out[3 + parameters().size()] = static_cast<double>(badParameter >= 0 ? badParameter : badState >= 0 ? static_cast<int64_t>(parameters().size()) + badState : -1);
    });
  }

  // shards(batch): how many shards a step of `batch` rows runs in (see kShards).
  Napi::Value Shards(const Napi::CallbackInfo& info) {
    int shards = 0;
    guarded(info, [&] { shards = planFor(intAt(info, 0)).shards; });
    return Napi::Number::New(info.Env(), shards);
  }

  // The first state array (batch norm's moving statistics, updated by the forward pass) holding a
  // NaN or an infinity, or −1.
  int64_t firstNonFiniteState() const {
    const auto& states = replicas_[0].states;
    for (size_t k = 0; k < states.size(); k++) {
      const float* v = states[k]->values;
      for (int64_t i = 0; i < states[k]->size; i++)
        if (!std::isfinite(v[i])) return static_cast<int64_t>(k);
    }
    return -1;
  }

  // d/dw of λ/(2n)·Σw² is (λ/n)·w, and of λ/n·Σ|w| is (λ/n)·sign(w); l2 here is λ/(2n).
  // Elements [begin, end) of p, g holding their gradient from element `begin`.
  static NNC_VECTORIZED void regularize(const Parameter& p, float* g, int64_t begin, int64_t end) {
    const float* w = p.values + begin;
    const int64_t n = end - begin;
    if (p.l2 != 0.f)
      for (int64_t i = 0; i < n; i++) g[i] += 2.f * p.l2 * w[i];
    if (p.l1 != 0.f)
      // tfjs's |w|' is 1 for w > 0 and −1 otherwise (at 0 too), which autograd's runs follow.
      for (int64_t i = 0; i < n; i++) g[i] += p.l1 * (w[i] > 0.f ? 1.f : -1.f);
  }

  // The update of every parameter; returns the first parameter whose new weights are not all
  // finite (the optimizer checks as it writes them), or −1. Each parameter goes in chunks small
  // enough to stay in cache, so regularizing, clipping, the norm and the optimizer read the
  // gradient and the weights from memory once (three passes over 6_dropout.nn's 1.65 M weights
  // took 2 ms of a 6.3 ms step); chunks run on the threads, and the norm adds each chunk's sum in
  // chunk order, so it does not depend on the thread count.
  int64_t update(float lr, double* squaredNorms) {
    if (clip_ == Clip::Norm) {
      // The norm of every regularized gradient is needed before any update.
      for (size_t k = 0; k < parameters().size(); k++) {
        Parameter& p = *parameters()[k];
        if (k < step_.shardedParameters)
          for (int s = 1; s < step_.shards; s++) addInto(p.gradient.data(), replicas_[s].parameters[k]->gradient.data(), p.size);
        regularize(p, p.gradient.data(), 0, p.size);
      }
      // As runtime/train/step.ts computes it in float32: each gradient's Σg² (squares in float,
      // the sum rounded to float), their float sum, its root. A norm past float's range is ∞ there,
      // which scales every gradient by 0 (NaN where a gradient is ∞): so it does here.
      float total = 0.f;
      for (auto& p : parameters()) {
        double sum = 0;
        for (float v : p->gradient) {
          const float squared = v * v;
          sum += squared;
        }
        total += static_cast<float>(sum);
      }
      const float norm = std::sqrt(total);
      const float ratio = clipMax_ / (norm + 1e-12f);
      const float scale = ratio != ratio ? ratio : std::min(1.f, ratio);
      for (auto& p : parameters())
        for (float& v : p->gradient) v *= scale;
    }
    constexpr int64_t kChunk = 8192;
    int64_t bad = -1;
    for (size_t k = 0; k < parameters().size(); k++) {
      Parameter& p = *parameters()[k];
      if (step_.finished[k].parameter) {
        // Updated by its layer's backward pass.
        squaredNorms[k] = step_.finished[k].squaredNorm;
        if (!step_.finished[k].finite && bad < 0) bad = static_cast<int64_t>(k);
        continue;
      }
      const int64_t chunks = (p.size + kChunk - 1) / kChunk;
      chunkNorms_.assign(chunks, 0.0);
      int finite = 1;
      const int threads = useThreadsFor(p.size * 8.0);
#pragma omp parallel for schedule(static) reduction(& : finite) num_threads(threads) if (chunks > 1)
      for (int64_t c = 0; c < chunks; c++) {
        const int64_t begin = c * kChunk;
        const RangeUpdate range = updateRange(k, lr, p.gradient.data() + begin, begin, std::min(p.size, begin + kChunk));
        chunkNorms_[c] = range.squaredSum;
        finite &= range.finite ? 1 : 0;
      }
      double sum = 0;
      for (double part : chunkNorms_) sum += part;
      squaredNorms[k] = sum;
      if (!finite && bad < 0) bad = static_cast<int64_t>(k);
    }
    optimizer_->finishStep();
    return bad;
  }

  // Elements [begin, end) of parameter k's update, g holding their gradient from element `begin`
  // (the parameter's own array, or the block a layer just made): the shards' gradients added,
  // regularized, clipped by value, their Σg², the optimizer (norm clipping has scaled the
  // gradients already).
  RangeUpdate updateRange(size_t k, float lr, float* g, int64_t begin, int64_t end) {
    Parameter& p = *parameters()[k];
    const int64_t n = end - begin;
    RangeUpdate result;
    if (clip_ != Clip::Norm) {
      if (k < step_.shardedParameters)
        for (int s = 1; s < step_.shards; s++) addInto(g, replicas_[s].parameters[k]->gradient.data() + begin, n);
      // Regularized, clipped by value and squared in one pass.
      result.squaredSum = regularizedSquares(g, p.values + begin, n, p.l2, p.l1, clip_ == Clip::Value, clipMax_);
    } else {
      result.squaredSum = squaredSum(g, n);
    }
    result.finite = optimizer_->apply(p, g, lr, begin, end);
    return result;
  }

  // state(k, s): slot s of parameter k's optimizer state as a Float32Array view (read and written
  // by checkpoints).
  Napi::Value State(const Napi::CallbackInfo& info) {
    const int64_t k = intAt(info, 0), slot = intAt(info, 1);
    if (k < 0 || k >= static_cast<int64_t>(parameters().size()) || slot < 0 || slot >= optimizer_->slotCount()) {
      Napi::RangeError::New(info.Env(), "no such parameter or optimizer slot").ThrowAsJavaScriptException();
      return info.Env().Undefined();
    }
    Parameter& p = *parameters()[k];
    Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(info.Env(), p.slots[slot].data(), p.size * sizeof(float));
    return Napi::Float32Array::New(info.Env(), p.size, buffer, 0);
  }

  // steps(): how many updates the optimizer has made; restoreSteps(t) sets it after a checkpoint.
  Napi::Value Steps(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(optimizer_->steps())); }
  Napi::Value RestoreSteps(const Napi::CallbackInfo& info) {
    return guarded(info, [&] { optimizer_->restoreSteps(intAt(info, 0)); });
  }

  Napi::Value ParameterCount(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(parameters().size())); }

  int64_t inputSize_ = 0, outputSize_ = 0;
  Loss loss_ = Loss::Quadratic;
  float clipMax_ = 0.f;
  std::unique_ptr<Optimizer> optimizer_;
  Clip clip_ = Clip::None;
  NetworkPlan plan_;
  double flopsPerExample_ = 0;
  std::vector<double> layerFlops_;  // forward flops of one example, per layer
  ShardChoice shards_ = ShardChoice::never;
  std::vector<Replica> replicas_;
  Replica* building_ = nullptr;  // the replica addReplica() is making layers for
  // What the current step's passes leave for its update (Step sets it, update and updateRange read it).
  struct StepState {
    int shards = 1;                 // how many shards the passes ran in
    size_t shardedParameters = 0;   // how many parameters (the first ones) each shard computed
    std::vector<Finished> finished;  // per parameter: what its layer already updated
  };
  StepState step_;
  std::vector<double> chunkNorms_;
  bool fuseUpdates_ = false;  // whether layers may update their parameters in backward
  int64_t updateBlock_ = 0;   // values per block of such an update
  std::unique_ptr<Profile> profile_;
};

Napi::Value DefineNetwork(const Napi::CallbackInfo& info) { return Network::Define(info.Env()); }

const Registration registration("networkClass", DefineNetwork);

// setShardChoice("auto" | "always" | "never") → the previous choice (see ShardChoice).
Napi::Value SetShardChoice(const Napi::CallbackInfo& info) { return setChoice(info, shardChoice(), "the shard choice"); }

const Registration shardRegistration("setShardChoice", SetShardChoice);

// setShardPrefix(layers) → the previous value: with the shard choice `always`, networks made from
// now on shard only their first `layers` layers (0: all), the rest running on the whole batch.
Napi::Value SetShardPrefix(const Napi::CallbackInfo& info) {
  const int previous = forcedPrefix();
  guarded(info, [&] { forcedPrefix() = static_cast<int>(intAt(info, 0)); });
  return Napi::Number::New(info.Env(), previous);
}

const Registration prefixRegistration("setShardPrefix", SetShardPrefix);

// setFusedUpdate("auto" | "always" | "never") → the previous choice (see fusedUpdateChoice).
Napi::Value SetFusedUpdate(const Napi::CallbackInfo& info) { return setChoice(info, fusedUpdateChoice(), "the fused update choice"); }

const Registration fusedRegistration("setFusedUpdate", SetFusedUpdate);

// setUpdateBlock(values) → the previous value: values per block of a fused update, for networks
// made from now on (0: the default).
Napi::Value SetUpdateBlock(const Napi::CallbackInfo& info) {
  const int64_t previous = updateBlockValues();
  guarded(info, [&] {
    const int64_t values = intAt(info, 0);
    if (values < 0) throw std::invalid_argument("the update block is a number of values, 0 or more");
    updateBlockValues() = values > 0 ? values : kUpdateBlock;
  });
  return Napi::Number::New(info.Env(), static_cast<double>(previous));
}

const Registration blockRegistration("setUpdateBlock", SetUpdateBlock);

}  // namespace
}  // namespace nnc::net
