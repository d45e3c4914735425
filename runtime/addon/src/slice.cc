// Copies a box out of a row-major tensor of any element type: the data under Slice, SplitV and
// Unpack. tfjs's cpu kernel reads and writes one element at a time through index arrays, which
// made slicing most of an LSTM step; here the box is walked as runs of contiguous bytes.
#include <cstring>
#include <stdexcept>

#include "common.h"

namespace nnc {
namespace {

uint8_t* bytesAt(const Napi::CallbackInfo& info, size_t index, size_t* elementSize) {
  const Napi::Value value = info[index];
  if (!value.IsTypedArray()) throw std::invalid_argument("argument " + std::to_string(index) + " is not a typed array");
  Napi::TypedArray array = value.As<Napi::TypedArray>();
  *elementSize = array.ElementSize();
  return static_cast<uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
}

// slice(input, shape, begin, size, out): out = input[begin : begin + size] on every axis.
Napi::Value Slice(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    size_t inElement = 0, outElement = 0;
    const uint8_t* in = bytesAt(info, 0, &inElement);
    uint8_t* out = bytesAt(info, 4, &outElement);
    const Dims shape = dimsAt(info, 1), begin = dimsAt(info, 2), size = dimsAt(info, 3);
    const size_t rank = shape.size();
    if (inElement != outElement || begin.size() != rank || size.size() != rank) throw std::invalid_argument("slice: mismatched arguments");
    int64_t inLength = 1, outLength = 1;
    for (size_t a = 0; a < rank; a++) {
      if (begin[a] < 0 || size[a] < 0 || begin[a] + size[a] > shape[a]) throw std::invalid_argument("slice: box outside the tensor");
      inLength *= shape[a];
      outLength *= size[a];
    }
    if (static_cast<size_t>(inLength) != lengthAt(info, 0) || static_cast<size_t>(outLength) != lengthAt(info, 4))
      throw std::invalid_argument("slice: array lengths do not match the shapes");
    if (outLength == 0) return;
    // Axes after `split` are taken whole, so each step of the outer axes copies one run.
    size_t split = rank;
    int64_t run = 1;
    while (split > 0 && size[split - 1] == shape[split - 1]) run *= shape[--split];
    if (split > 0) run *= size[--split];
    Dims stride(rank, 1);
    for (size_t a = rank; a-- > 1;) stride[a - 1] = stride[a] * shape[a];
    int64_t offset = 0;
    for (size_t a = 0; a < rank; a++) offset += begin[a] * stride[a];
    const size_t runBytes = static_cast<size_t>(run) * inElement;
    const int64_t runs = outLength / run;
    Dims index(split, 0);
    for (int64_t r = 0; r < runs; r++) {
      std::memcpy(out + r * runBytes, in + offset * inElement, runBytes);
      // Odometer over the outer axes of the box.
      for (size_t a = split; a-- > 0;) {
        offset += stride[a];
        if (++index[a] < size[a]) break;
        offset -= stride[a] * size[a];
        index[a] = 0;
      }
    }
  });
}

const Registration registration("slice", Slice);

}  // namespace
}  // namespace nnc
