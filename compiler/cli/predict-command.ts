/**
 * `nnc predict RUN INPUTS… [--format csv|json] [--out FILE] [--force]`: loads the model package in
 * a run folder, reads the inputs (files in the layout of the training's inputs, labels optional:
 * runtime/package/prediction-inputs.ts) and prints one record per example: where it came from, the
 * predicted class and the probabilities of each class output (an ensemble's vote and mean output),
 * the values of each real-valued output (runtime/package/prediction-output.ts). `--out` writes the
 * file atomically and never replaces an existing one without `--force`.
 */
import { existsSync } from "node:fs";
import { requestedBackend, selectBackend } from "../../runtime/kernels/backend.js";
import { readPredictionInputs } from "../../runtime/package/prediction-inputs.js";
import { predictionCsv, predictionJson } from "../../runtime/package/prediction-output.js";
import { loadPredictor, predict, type Predictor } from "../../runtime/package/predictor.js";
import { writeFileAtomic } from "../../runtime/core/atomic.js";
import { parseOptions, UsageError, type CommandIO } from "./io.js";

/** A problem with the run folder or the data, which the user fixes: printed, exit 1. Anything else is a bug. */
export function isUserProblem(error: unknown): boolean {
  return error instanceof Error && (error.name === "PackageError" || error.name === "DataError");
}

/** The backend a training would choose (`NNC_BACKEND` too), without printing it. */
export async function chooseQuietBackend(): Promise<void> {
  let requested;
  try {
    requested = requestedBackend(undefined);
  } catch (error) {
    throw new UsageError(`NNC_BACKEND: ${(error as Error).message}`);
  }
  await selectBackend(requested);
}

export async function runPredict(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseOptions(args, { format: { type: "string" }, out: { type: "string" }, force: { type: "boolean" } });
  const format = (values.format as string | undefined) ?? "csv";
  if (format !== "csv" && format !== "json") throw new UsageError(`--format must be \`csv\` or \`json\`, not \`${format}\``);
  if (positionals.length === 0) throw new UsageError("name the run folder (the folder a training wrote, e.g. runs/iris) and the files to predict on");
  if (positionals.length === 1) throw new UsageError(`name the files to predict on after the run folder ${positionals[0]}`);
  const out = values.out as string | undefined;
  if (out === "") throw new UsageError("--out needs a file name");
  const [run, ...inputs] = positionals;
  if (out !== undefined && existsSync(out) && !values.force) {
    io.stderr(`error: ${out} already exists; nnc predict does not overwrite it: give --force to replace it, or another --out\n`);
    return 1;
  }
  await chooseQuietBackend();

  let predictor: Predictor | null = null;
  let text: string;
  let count: number;
  try {
    predictor = await loadPredictor(run);
    const read = readPredictionInputs(predictor.pkg, inputs, process.cwd());
    const predictions = predict(predictor, read.inputs, read.count);
    text = format === "json" ? predictionJson(predictions, read.rows) : predictionCsv(predictions, read.rows);
    count = read.count;
  } catch (error) {
    if (!isUserProblem(error)) throw error;
    io.stderr(`error: ${(error as Error).message}\n`);
    return 1;
  } finally {
    predictor?.dispose();
  }
  if (out === undefined) {
    io.stdout(text);
    return 0;
  }
  try {
    writeFileAtomic(out, text);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === "ENOENT" ? "its folder does not exist" : code === "EISDIR" ? "it is a folder" : code === "EACCES" || code === "EPERM" ? "permission denied" : (error as Error).message;
    io.stderr(`error: cannot write ${out}: ${why}\n`);
    return 1;
  }
  io.stderr(`wrote ${count} prediction${count === 1 ? "" : "s"} to ${out}\n`);
  return 0;
}
