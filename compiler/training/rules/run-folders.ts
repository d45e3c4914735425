/**
 * Two trainings of one file must not write one run folder (E101). `nnc train` and `trainL()` write
 * `runs/<label in snake case>/` (the runtime's `runFolderName`), so `train my_run` and `train myRun`
 * would share `runs/my_run/`: the second run would overwrite the first one's weights, metrics and
 * report, and resume from its checkpoint when the settings agree. Unlike the other training rules
 * this one looks at every training of a file together; it runs after them (compiler/check/check.ts).
 * Trainings with the same name are E101 already (checker/program.ts) and not reported again.
 */
import type { Decl, TrainDecl } from "../../../grammar/ast.js";
import { trainingName } from "../../checker/program.js";
import { diagnostic, type Diagnostic } from "../../diagnostics/diagnostic.js";
import { runFolderName } from "../../../runtime/run/folder-name.js";

/** Reports every training of `decls` whose run folder an earlier training of the file writes. */
export function reportRunFolderCollisions(decls: readonly Decl[], file: string, report: (d: Diagnostic) => void): void {
  const trainings = decls.filter((d): d is TrainDecl => d.kind === "Train" && d.model.name !== "");
  const taken = new Set(trainings.map((t) => runFolderName(trainingName(t))));
  const byFolder = new Map<string, TrainDecl>();
  for (const decl of trainings) {
    const name = trainingName(decl);
    const folder = runFolderName(name);
    const earlier = byFolder.get(folder);
    if (!earlier) {
      byFolder.set(folder, decl);
      continue;
    }
    const earlierName = trainingName(earlier);
    if (earlierName === name) continue;
    report(
      diagnostic({
        code: "E101",
        file,
        range: (decl.label ?? decl.model).range,
        message: `trainings \`${earlierName}\` and \`${name}\` would both write the run folder \`runs/${folder}/\``,
        labels: [{ file, range: (earlier.label ?? earlier.model).range, message: `\`${earlierName}\` writes \`runs/${folder}/\`` }],
        notes: ["a run folder is named after the training's label in snake case; the second run would overwrite the first one's model, metrics and report"],
        help: `give this training a label of its own, e.g. \`train ${freeLabel(name, taken)}: ${decl.model.name} { … }\``,
      }),
    );
  }
}

/** `name` with the first number appended whose run folder no training of the file writes. */
function freeLabel(name: string, taken: ReadonlySet<string>): string {
  for (let n = 2; ; n++) {
    const candidate = `${name}${n}`;
    if (!taken.has(runFolderName(candidate))) return candidate;
  }
}
