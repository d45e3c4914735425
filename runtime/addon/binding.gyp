# The nnc native kernels: a N-API addon over oneDNN (Debian's libdnnl-dev), built at `npm install`
# by scripts/build-native.mjs. Every .cc file in src/ is compiled; each registers its own kernels.
{
  "targets": [
    {
      "target_name": "nnc_native",
      "sources": ["<!@(node -p \"require('fs').readdirSync('src').filter(f => f.endsWith('.cc')).sort().map(f => 'src/' + f).join(' ')\")"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-O2"],
      # -ffp-contract=off: no fused multiply-adds the source does not write (the vectorized clones
      # would otherwise round a·b + c once where TensorFlow.js rounds twice).
      "cflags_cc": ["-std=c++17", "-O3", "-fopenmp", "-fexceptions", "-ffp-contract=off"],
      "libraries": ["-ldnnl", "-fopenmp"]
    }
  ]
}
