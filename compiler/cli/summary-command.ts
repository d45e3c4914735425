/** `nnc summary FILE [--model M] [--format json]`: a Keras-like table of every model in the file. */
import { checkProgram } from "../check/check.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/suggest.js";
import { summarize, type JsonDim, type ModelSummary } from "../check/summary.js";
import { requireFiles, writeDiagnostics } from "./check-command.js";
import { formatOption, parseOptions, UsageError, type CommandIO } from "./io.js";

export function runSummary(args: string[], io: CommandIO): number {
  const { values, positionals } = parseOptions(args, { model: { type: "string" }, format: { type: "string" } });
  const format = formatOption(values.format as string | undefined);
  requireFiles(positionals, 1);
  const result = checkProgram(positionals);
  let models = result.models;
  const wanted = values.model as string | undefined;
  if (wanted !== undefined) {
    models = models.filter((m) => m.name === wanted);
    if (models.length === 0) {
      const guess = didYouMean(wanted, result.models.map((m) => m.name));
      throw new UsageError(`no model \`${wanted}\` in ${positionals[0]}${guess ? `; did you mean \`${guess}\`?` : ""}`);
    }
  }
  const summaries = models.map(summarize);
  writeDiagnostics(result, io);
  if (format === "json") io.stdout(`${JSON.stringify({ models: summaries }, null, 2)}\n`);
  else io.stdout(summaries.map(renderTable).join("\n"));
  return hasErrors(result.diagnostics) ? 1 : 0;
}

const text = (d: JsonDim): string => String(d);
const shape = (dims: JsonDim[]): string => `[${dims.map(text).join(", ")}]`;
/** 1234567 → "1,234,567"; symbolic counts stay as written. */
const count = (n: JsonDim | null): string => (n === null ? "?" : typeof n === "number" ? n.toLocaleString("en-US") : n);

/** Renders one model as a table: layer (name), kind, output shape, params. */
export function renderTable(model: ModelSummary): string {
  const rows: string[][] = [["Layer", "Kind", "Output shape", "Params"]];
  for (const input of model.inputs) rows.push([input.name, "input", `${input.dtype ?? ""}${shape(input.shape)}`, "0"]);
  for (const layer of model.layers) rows.push([layer.name, layer.kind, shape(layer.output), count(layer.params)]);
  // A fold, not Math.max(...rows): a model of 200,000 layers would overflow the argument list.
  const widths = rows[0].map((_, column) => rows.reduce((widest, row) => Math.max(widest, row[column].length), 0));
  const line = (row: string[]): string =>
    row.map((cell, column) => (column === 3 ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join("   ").trimEnd();
  const rule = "─".repeat(widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1));
  const out = [`Model: ${model.name}`, rule, line(rows[0]), rule, ...rows.slice(1).map(line), rule];
  out.push(`Total params: ${count(model.params)}`, `Trainable params: ${count(model.trainable)}`, `Non-trainable params: ${count(model.nonTrainable)}`);
  if (model.outputs.length > 1 || (model.outputs[0] && model.outputs[0].name !== "output")) {
    out.push(`Outputs: ${model.outputs.map((o) => `${o.name} ${shape(o.shape)}`).join(", ")}`);
  }
  return `${out.join("\n")}\n`;
}
