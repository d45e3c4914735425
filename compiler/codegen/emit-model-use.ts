/**
 * What a program needs to use a trained model (§8): for model `M`, the types `MInputs`, `MTargets`
 * and `MPredictions` named after its inputs and outputs, with their shapes in the doc comments, and
 * `loadM(runDir)`, `predictM(model, inputs)`, `evaluateM(model, data?)` over the runtime's model
 * package (runtime/package/named.ts). Property names are the source's names as string literals.
 */
import { VariableDeclarationKind, type SourceFile } from "ts-morph";
import type { TensorSpec } from "../../runtime/core/program.js";
import { commentText, literal } from "../schema/literal.js";
import type { ModelNames } from "./names.js";

function shapeText(spec: TensorSpec): string {
  return `[${spec.shape.map((d) => d ?? "?").join(", ")}]`;
}

/** `names` are the model's names in the module (names.ts); `expected` the name of its (not exported) description. */
export function addModelUse(file: SourceFile, model: string, names: ModelNames, expected: string, inputs: readonly TensorSpec[], outputs: readonly TensorSpec[]): void {
  const name = commentText(model);
  const typesOf = `nnc.LoadedModel<${names.inputs}, ${names.predictions}>`;
  file.addInterface({
    isExported: true,
    name: names.inputs,
    docs: [`The inputs of model \`${name}\`: a batch of raw examples per input, as the data files hold them (the package's preprocessing is applied). Each is a flat array of count × the values of one example, or one nested array per example.`],
    properties: inputs.map((i) => ({ name: literal(i.name), isReadonly: true, type: "nnc.InputData", docs: [`\`${commentText(i.name)}\`: ${shapeText(i)} per example, ${i.dtype}.`] })),
  });
  file.addInterface({
    isExported: true,
    name: names.targets,
    docs: [`The targets of model \`${name}\` for a batch, per output: class names, class indices, or values.`],
    properties: outputs.map((o) => ({ name: literal(o.name), isReadonly: true, type: "nnc.TargetData", docs: [`\`${commentText(o.name)}\`: the model outputs ${shapeText(o)} per example.`] })),
  });
  file.addInterface({
    isExported: true,
    name: names.predictions,
    docs: [`What model \`${name}\` predicts for a batch, per output.`],
    properties: outputs.map((o) => ({ name: literal(o.name), isReadonly: true, type: "nnc.Prediction", docs: [`\`${commentText(o.name)}\`: ${shapeText(o)} per example.`] })),
  });
  file.addVariableStatement({
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name: expected, type: "nnc.ExpectedModel", initializer: literal({ model, inputs, outputs }) }],
  });
  file.addFunction({
    isExported: true,
    isAsync: true,
    name: names.load,
    docs: [`Loads a trained \`${name}\` from a run folder (e.g. \`runs/<label>\`); fails if the folder holds another model.`],
    parameters: [{ name: "runDir", type: "string" }],
    returnType: `Promise<${typesOf}>`,
    statements: [`return nnc.loadNamedPackage<${names.inputs}, ${names.predictions}>(runDir, ${expected});`],
  });
  file.addFunction({
    isExported: true,
    name: names.predict,
    docs: [`Predicts a batch with a loaded \`${name}\`; an ensemble answers by its vote.`],
    parameters: [
      { name: "model", type: typesOf },
      { name: "inputs", type: names.inputs },
    ],
    returnType: names.predictions,
    statements: [`return nnc.predictNamed(model, inputs);`],
  });
  file.addFunction({
    isExported: true,
    name: names.evaluate,
    docs: [`Metrics of a loaded \`${name}\` (per-class ones for class outputs) on labelled examples, on files in its training data's layout, or without \`data\` on its run's test part.`],
    parameters: [
      { name: "model", type: typesOf },
      { name: "data", type: `{ readonly inputs: ${names.inputs}; readonly targets: ${names.targets} } | { readonly files: readonly string[] }`, hasQuestionToken: true },
    ],
    returnType: "nnc.Evaluation",
    statements: [`return nnc.evaluateNamed(model, data);`],
  });
}
