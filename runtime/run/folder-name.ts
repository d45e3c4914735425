/**
 * The run folder a training writes by default, `runs/<name>/`, from its label. One definition, for
 * the runtime and for the checker's rule that two trainings of a file must not share one
 * (compiler/training/rules/run-folders.ts); it imports nothing, so the checker loads no TensorFlow.js.
 */

/** A training's label as a folder name: `DeepBn` → `deep_bn`, `myRun` and `my_run` → `my_run`. */
export function runFolderName(label: string): string {
  const snake = label.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/[^A-Za-z0-9_.-]+/g, "_").toLowerCase();
  return snake.replace(/^[._]+/, "") || "run";
}
