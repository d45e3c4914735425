// The plan decoder (net_plan.h) and its inverse, plus `decodeNetworkPlan(plan)`, which returns
// what the decoder read, for the round-trip test (test/runtime/native/plan.test.ts).
#include "net_plan.h"

#include <cmath>

#include "common.h"

namespace nnc::net {
namespace {

// Each enum's names as plan.ts spells them, read and written through the same table.
template <typename Value>
struct Named {
  Value value;
  const char* name;
};
constexpr Named<Activation> kActivations[] = {
    {Activation::Linear, "linear"}, {Activation::Relu, "relu"}, {Activation::Sigmoid, "sigmoid"}, {Activation::Tanh, "tanh"}, {Activation::Softmax, "softmax"}};
constexpr Named<Cell> kCells[] = {{Cell::Simple, "rnn"}, {Cell::Lstm, "lstm"}, {Cell::Gru, "gru"}, {Cell::GruResetAfter, "gru_reset_after"}};
constexpr Named<OptimizerKind> kOptimizers[] = {{OptimizerKind::Sgd, "sgd"},         {OptimizerKind::Momentum, "momentum"}, {OptimizerKind::Adagrad, "adagrad"},
                                                {OptimizerKind::Adadelta, "adadelta"}, {OptimizerKind::Rmsprop, "rmsprop"},   {OptimizerKind::Adam, "adam"},
                                                {OptimizerKind::Adamax, "adamax"}};
constexpr Named<Loss> kLosses[] = {{Loss::Quadratic, "quadratic"},
                                   {Loss::MeanSquared, "mse"},
                                   {Loss::MeanAbsolute, "mae"},
                                   {Loss::CrossEntropy, "cross_entropy"},
                                   {Loss::BinaryCrossEntropy, "binary_cross_entropy"}};
constexpr Named<Clip> kClips[] = {{Clip::None, "none"}, {Clip::Value, "value"}, {Clip::Norm, "norm"}};

template <typename Value, size_t N>
const char* nameOf(const Named<Value> (&table)[N], Value value) {
  for (const auto& entry : table)
    if (entry.value == value) return entry.name;
  throw std::logic_error("an enum value without a name");
}

// The fields of one object of the plan, read with checks; `where_` starts every error message.
class Fields {
 public:
  Fields(const Napi::Value& value, std::string where) : where_(std::move(where)) {
    if (!value.IsObject() || value.IsArray()) throw PlanError(where_ + " must be an object");
    object_ = value.As<Napi::Object>();
  }

  [[noreturn]] void fail(const char* key, const std::string& problem) const { throw PlanError(where_ + ": " + key + " " + problem); }

  double number(const char* key) const {
    const Napi::Value v = field(key);
    if (!v.IsNumber() || !std::isfinite(v.As<Napi::Number>().DoubleValue())) fail(key, "must be a finite number");
    return v.As<Napi::Number>().DoubleValue();
  }
  int64_t count(const char* key) const { return integerIn(field(key), key, 1, "must be a positive integer"); }
  bool flag(const char* key) const {
    const Napi::Value v = field(key);
    if (!v.IsBoolean()) fail(key, "must be true or false");
    return v.As<Napi::Boolean>().Value();
  }
  std::string text(const char* key) const {
    const Napi::Value v = field(key);
    if (!v.IsString()) fail(key, "must be a string");
    return v.As<Napi::String>().Utf8Value();
  }
  template <typename Value, size_t N>
  Value named(const char* key, const Named<Value> (&table)[N]) const {
    const std::string name = text(key);
    std::string known;
    for (const auto& entry : table) {
      if (name == entry.name) return entry.value;
      known += std::string(known.empty() ? "" : ", ") + entry.name;
    }
    fail(key, "must be one of " + known + ", not \"" + name + "\"");
  }
  // An array of `length` integers, each at least `least`.
  Dims integers(const char* key, uint32_t length, int64_t least) const {
    const Napi::Value v = field(key);
    const std::string problem = "must be an array of " + std::to_string(length) + (least > 0 ? " positive" : " non-negative") + " integers";
    if (!v.IsArray() || v.As<Napi::Array>().Length() != length) fail(key, problem);
    const Napi::Array list = v.As<Napi::Array>();
    Dims values(length);
    for (uint32_t i = 0; i < length; i++) values[i] = integerIn(list.Get(i), key, least, problem);
    return values;
  }
  Napi::Array list(const char* key) const {
    const Napi::Value v = field(key);
    if (!v.IsArray()) fail(key, "must be an array");
    return v.As<Napi::Array>();
  }
  Napi::Value field(const char* key) const {
    if (!object_.Has(key)) fail(key, "is missing");
    return object_.Get(key);
  }

 private:
  int64_t integerIn(const Napi::Value& v, const char* key, int64_t least, const std::string& problem) const {
    constexpr double kLargestExact = 9007199254740991.0;  // 2^53 − 1: every integer below is a double
    const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : NAN;
    if (!(d >= static_cast<double>(least) && d <= kLargestExact && d == std::floor(d))) fail(key, problem);
    return static_cast<int64_t>(d);
  }

  Napi::Object object_;
  std::string where_;
};

// The window of a conv2d or pooling entry: input and output [h, w, c], pad [top, bottom, left, right].
WindowGeometry windowOf(const Fields& f, const char* filterKey, bool dilated) {
  const Dims in = f.integers("input", 3, 1), out = f.integers("output", 3, 1), filter = f.integers(filterKey, 2, 1), strides = f.integers("strides", 2, 1);
  const Dims dilation = dilated ? f.integers("dilation", 2, 1) : Dims{1, 1};
  const Dims pad = f.integers("pad", 4, 0);
  WindowGeometry w;
  w.batch = 1;
  w.inHeight = in[0], w.inWidth = in[1], w.inChannels = in[2];
  w.outHeight = out[0], w.outWidth = out[1], w.outChannels = out[2];
  w.filterHeight = filter[0], w.filterWidth = filter[1], w.strideHeight = strides[0], w.strideWidth = strides[1];
  w.dilationHeight = dilation[0], w.dilationWidth = dilation[1];
  w.pad = {pad[0], pad[1], pad[2], pad[3]};
  if (!w.outputFollows())
    f.fail("output", "is not the size its input, " + std::string(filterKey) + ", strides" + (dilated ? ", dilation" : "") + " and pad give");
  return w;
}

PlannedLayer decodeLayer(const Napi::Value& value, uint32_t index) {
  const std::string at = "layer " + std::to_string(index);
  const std::string kind = Fields(value, at).text("kind");
  const Fields f(value, at + " (" + kind + ")");
  if (kind == "dense") return PlannedDense{f.count("inputs"), f.count("units"), f.named("activation", kActivations), f.flag("bias"), f.number("l1"), f.number("l2")};
  if (kind == "conv2d") {
    const WindowGeometry window = windowOf(f, "kernel", true);
    return PlannedConv{window, f.named("activation", kActivations), f.flag("bias"), f.number("l1"), f.number("l2")};
  }
  if (kind == "maxpool" || kind == "avgpool") {
    const WindowGeometry window = windowOf(f, "pool", false);
    if (window.outChannels != window.inChannels) f.fail("output", "must have as many channels as the input");
    return PlannedPool{kind == "maxpool", window};
  }
  if (kind == "recurrent") {
    PlannedRecurrent r;
    r.cell = f.named("cell", kCells);
    r.steps = f.count("steps"), r.features = f.count("features"), r.units = f.count("units");
    r.activation = f.named("activation", kActivations);
    r.bias = f.flag("bias"), r.returnSequences = f.flag("returnSequences");
    r.l1 = f.number("l1"), r.l2 = f.number("l2");
    return r;
  }
  if (kind == "batchnorm")
    return PlannedBatchNorm{f.count("positions"), f.count("channels"), f.number("momentum"), f.number("epsilon"), f.flag("center"), f.flag("scale")};
  if (kind == "dropout") return PlannedDropout{f.count("size"), f.number("rate")};
  if (kind == "activation") return PlannedActivation{f.count("size"), f.named("activation", kActivations)};
  throw PlanError(at + ": kind must be one of dense, conv2d, maxpool, avgpool, recurrent, batchnorm, dropout, activation, not \"" + kind + "\"");
}

PlannedOptimizer decodeOptimizer(const Napi::Value& value) {
  const Fields f(value, "optimizer");
  PlannedOptimizer o;
  o.kind = f.named("kind", kOptimizers);
  o.momentum = f.number("momentum"), o.nesterov = f.flag("nesterov"), o.rho = f.number("rho"), o.decay = f.number("decay");
  o.beta1 = f.number("beta1"), o.beta2 = f.number("beta2"), o.epsilon = f.number("epsilon");
  return o;
}

// Encoding: the same field names, for the round trip.
Napi::Array arrayOf(Napi::Env env, const Dims& values) {
  Napi::Array a = Napi::Array::New(env, values.size());
  for (uint32_t i = 0; i < values.size(); i++) a.Set(i, static_cast<double>(values[i]));
  return a;
}

void setWindow(Napi::Object o, const WindowGeometry& w, const char* filterKey, bool dilated) {
  const Napi::Env env = o.Env();
  o.Set("input", arrayOf(env, {w.inHeight, w.inWidth, w.inChannels}));
  o.Set("output", arrayOf(env, {w.outHeight, w.outWidth, w.outChannels}));
  o.Set(filterKey, arrayOf(env, {w.filterHeight, w.filterWidth}));
  o.Set("strides", arrayOf(env, {w.strideHeight, w.strideWidth}));
  if (dilated) o.Set("dilation", arrayOf(env, {w.dilationHeight, w.dilationWidth}));
  o.Set("pad", arrayOf(env, {w.pad.top, w.pad.bottom, w.pad.left, w.pad.right}));
}

Napi::Object encodeLayer(Napi::Env env, const PlannedLayer& layer) {
  Napi::Object o = Napi::Object::New(env);
  const auto count = [](int64_t n) { return static_cast<double>(n); };
  if (const auto* d = std::get_if<PlannedDense>(&layer)) {
    o.Set("kind", "dense"), o.Set("inputs", count(d->inputs)), o.Set("units", count(d->units)), o.Set("activation", nameOf(kActivations, d->activation));
    o.Set("bias", d->bias), o.Set("l1", d->l1), o.Set("l2", d->l2);
  } else if (const auto* c = std::get_if<PlannedConv>(&layer)) {
    o.Set("kind", "conv2d");
    setWindow(o, c->window, "kernel", true);
    o.Set("activation", nameOf(kActivations, c->activation)), o.Set("bias", c->bias), o.Set("l1", c->l1), o.Set("l2", c->l2);
  } else if (const auto* p = std::get_if<PlannedPool>(&layer)) {
    o.Set("kind", p->max ? "maxpool" : "avgpool");
    setWindow(o, p->window, "pool", false);
  } else if (const auto* r = std::get_if<PlannedRecurrent>(&layer)) {
    o.Set("kind", "recurrent"), o.Set("cell", nameOf(kCells, r->cell)), o.Set("steps", count(r->steps)), o.Set("features", count(r->features));
    o.Set("units", count(r->units)), o.Set("activation", nameOf(kActivations, r->activation)), o.Set("bias", r->bias);
    o.Set("returnSequences", r->returnSequences), o.Set("l1", r->l1), o.Set("l2", r->l2);
  } else if (const auto* b = std::get_if<PlannedBatchNorm>(&layer)) {
    o.Set("kind", "batchnorm"), o.Set("positions", count(b->positions)), o.Set("channels", count(b->channels)), o.Set("momentum", b->momentum);
    o.Set("epsilon", b->epsilon), o.Set("center", b->center), o.Set("scale", b->scale);
  } else if (const auto* dr = std::get_if<PlannedDropout>(&layer)) {
    o.Set("kind", "dropout"), o.Set("size", count(dr->size)), o.Set("rate", dr->rate);
  } else if (const auto* a = std::get_if<PlannedActivation>(&layer)) {
    o.Set("kind", "activation"), o.Set("size", count(a->size)), o.Set("activation", nameOf(kActivations, a->activation));
  }
  return o;
}

// decodeNetworkPlan(plan): the plan as decoded, or a JavaScript error with the decoder's message.
Napi::Value DecodeNetworkPlan(const Napi::CallbackInfo& info) {
  try {
    return encodePlan(info.Env(), decodePlan(info[0]));
  } catch (const std::exception& e) {
    Napi::Error::New(info.Env(), e.what()).ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
}

const Registration registration("decodeNetworkPlan", DecodeNetworkPlan);

}  // namespace

NetworkPlan decodePlan(const Napi::Value& value) {
  const Fields f(value, "the plan");
  NetworkPlan plan;
  plan.inputSize = f.count("inputSize");
  plan.outputSize = f.count("outputSize");
  plan.loss = f.named("loss", kLosses);
  plan.optimizer = decodeOptimizer(f.field("optimizer"));
  plan.clip = f.named("clip", kClips);
  plan.clipMax = f.number("clipMax");
  const Napi::Array layers = f.list("layers");
  for (uint32_t i = 0; i < layers.Length(); i++) plan.layers.push_back(decodeLayer(layers.Get(i), i));
  return plan;
}

Napi::Object encodePlan(Napi::Env env, const NetworkPlan& plan) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("inputSize", static_cast<double>(plan.inputSize));
  o.Set("outputSize", static_cast<double>(plan.outputSize));
  o.Set("loss", nameOf(kLosses, plan.loss));
  Napi::Object optimizer = Napi::Object::New(env);
  const PlannedOptimizer& p = plan.optimizer;
  optimizer.Set("kind", nameOf(kOptimizers, p.kind)), optimizer.Set("momentum", p.momentum), optimizer.Set("nesterov", p.nesterov), optimizer.Set("rho", p.rho);
  optimizer.Set("decay", p.decay), optimizer.Set("beta1", p.beta1), optimizer.Set("beta2", p.beta2), optimizer.Set("epsilon", p.epsilon);
  o.Set("optimizer", optimizer);
  o.Set("clip", nameOf(kClips, plan.clip));
  o.Set("clipMax", plan.clipMax);
  Napi::Array layers = Napi::Array::New(env, plan.layers.size());
  for (uint32_t i = 0; i < plan.layers.size(); i++) layers.Set(i, encodeLayer(env, plan.layers[i]));
  o.Set("layers", layers);
  return o;
}

}  // namespace nnc::net
