// A dense layer on oneDNN's sgemm (row-major): z = x·W + b, a = f(z); W is [inputs, units] as in
// tfjs-layers. The backward pass skips dx for the first layer, which nothing needs.
#include <algorithm>

#include "net_layer.h"

namespace nnc::net {

void gemm(char ta, char tb, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb, float* c, int64_t ldc, float beta) {
  useThreadsFor(2.0 * m * n * k);
  const dnnl_status_t status = dnnl_sgemm(ta, tb, m, n, k, 1.f, a, lda, b, ldb, beta, c, ldc);
  if (status != dnnl_success) throw std::runtime_error("dnnl_sgemm failed");
}

namespace {

class Dense : public Layer {
 public:
  Dense(const PlannedDense& spec, Parameter* kernel, Parameter* bias) : spec_(spec), kernel_(kernel), bias_(bias) {
    inSize = spec.inputs;
    outSize = spec.units;
    parameters.push_back(kernel);
    if (bias) parameters.push_back(bias);
  }

  void forward(int64_t batch, const float* in, float* out, bool, MaskRandom&) override {
    const int64_t units = spec_.units;
    gemm('N', 'N', batch, units, spec_.inputs, in, spec_.inputs, kernel_->values, units, out, units);
    if (bias_) {
      const float* b = bias_->values;
      for (int64_t r = 0; r < batch; r++) {
        float* row = out + r * units;
        for (int64_t j = 0; j < units; j++) row[j] += b[j];
      }
    }
    activate(spec_.activation, out, batch, units);
  }

  void backward(int64_t batch, const float* in, const float* out, const float* dOut, float* dIn) override {
    const int64_t units = spec_.units;
    dZ_.resize(batch * units);
    activationGradient(spec_.activation, out, dOut, dZ_.data(), batch, units);
    gemm('T', 'N', spec_.inputs, units, batch, in, spec_.inputs, dZ_.data(), units, kernel_->gradient.data(), units);
    if (bias_) {
      float* db = bias_->gradient.data();
      std::fill(db, db + units, 0.f);
      for (int64_t r = 0; r < batch; r++) {
        const float* row = dZ_.data() + r * units;
        for (int64_t j = 0; j < units; j++) db[j] += row[j];
      }
    }
    if (dIn) gemm('N', 'T', batch, spec_.inputs, units, dZ_.data(), units, kernel_->values, units, dIn, spec_.inputs);
  }

 private:
  PlannedDense spec_;
  Parameter* kernel_;
  Parameter* bias_;
  std::vector<float> dZ_;
};

}  // namespace

std::unique_ptr<Layer> makeDense(const PlannedDense& spec, Parameter* kernel, Parameter* bias) { return std::make_unique<Dense>(spec, kernel, bias); }

}  // namespace nnc::net
