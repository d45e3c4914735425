// Predicts with a model package written by nnc, using nothing but @tensorflow/tfjs and Node's own
// modules: what docs/model-package.md tells a user to do. Usage:
//   node plain-tfjs-predict.mjs RUN_DIR INPUTS.json
// INPUTS.json holds an array of examples, each an object with one key per model input (its raw
// values, as in the training data). Prints, as JSON, one object per example: for each output the
// predicted class (classes) or the values, and the output's values (the members' mean for an
// ensemble).
import * as tf from "@tensorflow/tfjs";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

const [runDir, inputsFile] = process.argv.slice(2);
const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));

async function loadNetwork(dir) {
  const pkg = readJson(join(dir, "nnc-package.json"));
  const modelPath = join(dir, pkg.model);
  if (pkg.customLayers) {
    const { registerNncLayers } = await import(pathToFileURL(join(dir, pkg.customLayers)).href);
    registerNncLayers(tf);
  }
  const json = readJson(modelPath);
  const weights = Buffer.concat(json.weightsManifest.flatMap((group) => group.paths.map((p) => readFileSync(join(dirname(modelPath), p)))));
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
  return { pkg, model };
}

function prepared(values, preprocessing) {
  if (preprocessing.kind === "none") return values;
  return values.map((v, f) => (v - preprocessing.shift[f % preprocessing.shift.length]) / preprocessing.scale[f % preprocessing.scale.length]);
}

/** The sizes of a nested array along its first elements: [[1, 2], [3, 4], [5, 6]] → [3, 2]. */
function dimsOf(value) {
  const dims = [];
  for (let v = value; Array.isArray(v); v = v[0]) dims.push(v.length);
  return dims;
}

function argmax(row) {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

const top = readJson(join(runDir, "nnc-package.json"));
const networks = top.kind === "ensemble" ? await Promise.all(top.members.map((m) => loadNetwork(join(runDir, m)))) : [await loadNetwork(runDir)];
const examples = readJson(inputsFile);

// Each network's outputs for every example: [network][output][example] = flat values.
const outputs = networks.map(({ pkg, model }) => {
  const xs = pkg.inputs.map((input) => {
    const rows = examples.map((e) => prepared([e[input.name]].flat(Infinity), input.preprocessing));
    const given = dimsOf(examples[0][input.name]);
    const shape = [examples.length, ...input.shape.map((d, i) => d ?? given[i])];
    return tf.tensor(rows.flat(), shape, input.dtype);
  });
  const out = model.predict(xs.length === 1 ? xs[0] : xs);
  return [out].flat().map((t) => {
    const per = t.size / examples.length;
    const data = Array.from(t.dataSync());
    return examples.map((_, i) => data.slice(i * per, (i + 1) * per));
  });
});

const result = examples.map((_, i) =>
  Object.fromEntries(
    top.outputs.map((output, o) => {
      const rows = outputs.map((n) => n[o][i]);
      const mean = rows[0].map((_, k) => rows.reduce((sum, r) => sum + r[k], 0) / rows.length);
      if (!output.classes) return [output.name, { values: mean }];
      const units = output.shape[output.shape.length - 1];
      const steps = mean.length / units;
      const classOf = (row, s) => (units === 1 ? (row[s] > 0.5 ? 1 : 0) : argmax(row.slice(s * units, (s + 1) * units)));
      const predicted = [];
      for (let s = 0; s < steps; s++) {
        if (top.kind === "ensemble" && top.vote === "majority") {
          const counts = new Array(units === 1 ? 2 : units).fill(0);
          for (const row of rows) counts[classOf(row, s)]++;
          const meanOf = (c) => (units === 1 ? (c === 1 ? mean[s] : 1 - mean[s]) : mean[s * units + c]);
          let best = 0;
          for (let c = 1; c < counts.length; c++) if (counts[c] > counts[best] || (counts[c] === counts[best] && meanOf(c) > meanOf(best))) best = c;
          predicted.push(output.classes[best]);
        } else predicted.push(output.classes[classOf(mean, s)]);
      }
      return [output.name, { values: mean, predicted }];
    }),
  ),
);
process.stdout.write(`${JSON.stringify(result)}\n`);
