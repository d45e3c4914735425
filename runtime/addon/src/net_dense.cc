// A dense layer on oneDNN's sgemm (row-major): z = x·W + b, a = f(z); W is [inputs, units] as in
// tfjs-layers. The backward pass skips dx for the first layer, which nothing needs.
#include <omp.h>

#include <algorithm>
#include <exception>

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
    gradientOfSums(batch, out, dOut);
    gemm('T', 'N', spec_.inputs, units, batch, in, spec_.inputs, dZ_.data(), units, kernel_->gradient.data(), units);
    if (dIn) gemm('N', 'T', batch, spec_.inputs, units, dZ_.data(), units, kernel_->values, units, dIn, spec_.inputs);
  }

  // W is [inputs, units]: a block of its rows is one contiguous range of the kernel. For each block,
  // dIn's columns from the block's weights before they change, the block's gradient, then its
  // update; blocks run on the threads, each on one, so the bits do not depend on the thread count.
  Finished backwardUpdating(int64_t batch, const float* in, const float* out, const float* dOut, float* dIn, const FinishRange& finish, int64_t blockValues) override {
    const int64_t units = spec_.units, inputs = spec_.inputs;
    const int64_t rows = std::max<int64_t>(1, blockValues / units);
    const int64_t blocks = (inputs + rows - 1) / rows;
    // A kernel of a few blocks stays in cache from its gradient to its update anyway, and the
    // blocks' GEMMs are slower than two whole ones (784-100-10 at batch 10: 0.25 ms per step
    // fused, 0.11 not).
    if (blocks < kFewestBlocks) {
      backward(batch, in, out, dOut, dIn);
      return {};
    }
    gradientOfSums(batch, out, dOut);
    blockResults_.assign(blocks, RangeUpdate{});
    // As many threads as one of the unfused GEMMs would take.
    const int threads = useThreadsFor(2.0 * batch * inputs * units);
    // Each thread's block of the gradient, reused from block to block: it never leaves the cache
    // (writing the kernel's whole gradient to memory made 6_dropout.nn's step at batch 10 about
    // 15% longer on one thread, 12% on two).
    blockGradients_.resize(threads);
    // An exception must not leave an OpenMP region: the first is kept and rethrown after it.
    std::exception_ptr failure;
#pragma omp parallel for schedule(static) num_threads(threads) if (threads > 1)
    for (int64_t b = 0; b < blocks; b++) {
      const ThreadLimitScope oneThread(1);
      try {
        const int64_t first = b * rows, count = std::min(rows, inputs - first);
        std::vector<float>& gradient = blockGradients_[omp_get_thread_num()];
        gradient.resize(rows * units);
        if (dIn) gemm('N', 'T', batch, count, units, dZ_.data(), units, kernel_->values + first * units, units, dIn + first, inputs);
        gemm('T', 'N', count, units, batch, in + first, inputs, dZ_.data(), units, gradient.data(), units);
        blockResults_[b] = finish(*kernel_, gradient.data(), first * units, (first + count) * units);
      } catch (...) {
#pragma omp critical(nnc_dense_failure)
        if (!failure) failure = std::current_exception();
      }
    }
    if (failure) std::rethrow_exception(failure);
    Finished done{kernel_, 0, true};
    for (const RangeUpdate& r : blockResults_) {
      done.squaredNorm += r.squaredSum;
      done.finite = done.finite && r.finite;
    }
    return done;
  }

 private:
  // dZ = dA ⊙ f'(z), and the bias's gradient (the column sums of dZ).
  void gradientOfSums(int64_t batch, const float* out, const float* dOut) {
    const int64_t units = spec_.units;
    dZ_.resize(batch * units);
    activationGradient(spec_.activation, out, dOut, dZ_.data(), batch, units);
    if (bias_) {
      float* db = bias_->gradient.data();
      std::fill(db, db + units, 0.f);
      for (int64_t r = 0; r < batch; r++) {
        const float* row = dZ_.data() + r * units;
        for (int64_t j = 0; j < units; j++) db[j] += row[j];
      }
    }
  }

  static constexpr int64_t kFewestBlocks = 4;
  PlannedDense spec_;
  Parameter* kernel_;
  Parameter* bias_;
  std::vector<float> dZ_;
  std::vector<RangeUpdate> blockResults_;
  std::vector<std::vector<float>> blockGradients_;  // per thread
};

}  // namespace

std::unique_ptr<Layer> makeDense(const PlannedDense& spec, Parameter* kernel, Parameter* bias) { return std::make_unique<Dense>(spec, kernel, bias); }

}  // namespace nnc::net
