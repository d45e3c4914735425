/**
 * `nnc evaluate RUN [--data PATH[,PATH…]] [--format text|json]`: loads the model package in a run
 * folder and measures it on the run's own test part (read again exactly as the training read it),
 * or on other labelled files in the layout of the training's data source. Prints the metrics the
 * training reported (the same loss and metrics, or an ensemble's vote), and for every class output
 * a per-class table and a confusion matrix. Exit 1 when the run folder or the data cannot be used.
 */
import { resolve } from "node:path";
import { formatMetric } from "../../runtime/core/metric-format.js";
import type { Examples } from "../../runtime/data/examples.js";
import { packageDataFrom, packageTestPart } from "../../runtime/package/data.js";
import { evaluatePredictor, type Evaluation } from "../../runtime/package/evaluation.js";
import type { PackageFile } from "../../runtime/package/format.js";
import { checkInputs, loadPredictor, type Predictor } from "../../runtime/package/predictor.js";
import { evaluationText } from "../../runtime/package/report-text.js";
import { settled } from "../../runtime/core/settings.js";
import { parseOptions, UsageError, type CommandIO } from "./io.js";
import { chooseQuietBackend, isUserProblem } from "./predict-command.js";

/** `--data a.csv --data b.csv` or `--data images.idx,labels.idx`: every path, in order. */
export function dataPaths(value: unknown): string[] | null {
  if (value === undefined) return null;
  const paths = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(",")).map((p) => p.trim()).filter((p) => p !== "");
  if (paths.length === 0) throw new UsageError("--data needs at least one path");
  return paths;
}

export async function runEvaluate(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseOptions(args, { data: { type: "string", multiple: true }, format: { type: "string" } });
  const format = values.format as string | undefined;
  if (format !== undefined && format !== "text" && format !== "json") throw new UsageError(`--format must be \`text\` or \`json\`, not \`${format}\``);
  if (positionals.length === 0) throw new UsageError("name the run folder to evaluate (the folder a training wrote, e.g. runs/iris)");
  if (positionals.length > 1) throw new UsageError(`takes one run folder, got ${positionals.length} (${positionals.join(", ")}); give data files with --data`);
  const run = positionals[0];
  const paths = dataPaths(values.data);
  await chooseQuietBackend();

  let predictor: Predictor | null = null;
  let evaluation: Evaluation;
  try {
    predictor = await loadPredictor(run);
    const data: Examples = paths ? packageDataFrom(predictor.pkg, paths, process.cwd()) : packageTestPart(predictor.pkg);
    // Checked here so that a message names the files (the predictor's own check says "the data").
    checkInputs(predictor.pkg, data.inputs, paths ? paths.join(", ") : `the run's test part (${describeTestPart(predictor.pkg)})`);
    evaluation = evaluatePredictor(predictor, data);
  } catch (error) {
    if (!isUserProblem(error)) throw error;
    io.stderr(`error: ${(error as Error).message}\n`);
    return 1;
  } finally {
    predictor?.dispose();
  }
  const pkg = predictor.pkg;
  const notes = notesOf(pkg, paths, evaluation);
  if (format === "json") {
    for (const note of notes) io.stderr(`note: ${note}\n`);
    const data = paths ? { kind: "files", paths } : { kind: "test part", description: describeTestPart(pkg) };
    io.stdout(`${JSON.stringify({ run: resolve(run), data, count: evaluation.count, metrics: evaluation.metrics, classes: evaluation.classes }, null, 2)}\n`);
  } else {
    io.stdout(evaluationText({ run, model: describeModel(pkg), data: paths ? paths.join(", ") : `the run's test part: ${describeTestPart(pkg)}`, notes }, evaluation));
  }
  return 0;
}

function describeModel(pkg: PackageFile): string {
  const what = `${pkg.label} (${pkg.source})`;
  if (pkg.kind === "model") return `${what}, one network`;
  return `${what}, an ensemble of ${pkg.members.length} networks, ${pkg.vote} vote`;
}

/** Where the run's test part comes from, in words. */
export function describeTestPart(pkg: PackageFile): string {
  const { source, splitSeed, seed, limit } = pkg.data;
  const value = (v: unknown) => String(settled(v as never));
  const count = (v: unknown) => (limit === null ? Number(settled(v as never)) : Math.min(limit, Number(settled(v as never))));
  switch (source.kind) {
    case "mnist":
      return `the first ${count(source.test)} MNIST test images`;
    case "adding_problem":
      return `${count(source.test)} adding-problem sequences of length ${value(source.length)} drawn from seed ${seed}`;
    default: {
      const files =
        source.kind === "idx"
          ? `${value(source.images)}, ${value(source.labels)}`
          : source.kind === "npy"
            ? [...source.x, ...source.y].map(value).join(", ")
            : value(source.path);
      const test = source.test;
      if (test === null) return `none (${files} has no test part)`;
      if (test.kind === "files") return test.paths.join(", ");
      return `${Number((test.fraction * 100).toFixed(2))}% of ${files}, held out with split seed ${splitSeed}`;
    }
  }
}

function notesOf(pkg: PackageFile, paths: readonly string[] | null, evaluation: Evaluation): string[] {
  const notes: string[] = [];
  const limit = pkg.data.limit;
  if (limit !== null) {
    notes.push(paths ? `the run was trained with --limit ${limit}: on at most its first ${limit} training examples` : `the run was trained with --limit ${limit}; its test part is the first ${limit} examples`);
  }
  if (!paths && pkg.test) {
    const differ = Object.entries(pkg.test).filter(([name, v]) => name in evaluation.metrics && formatMetric(name, v) !== formatMetric(name, evaluation.metrics[name]));
    if (differ.length > 0) {
      notes.push(`the training reported ${differ.map(([name, v]) => `test ${name} ${formatMetric(name, v)}`).join(", ")}; the data files may have changed since`);
    }
  }
  return notes;
}
