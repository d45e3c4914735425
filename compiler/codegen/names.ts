/**
 * The names a generated module declares, unique by construction.
 *
 * - Public names are a lowercase prefix and the source name with its first letter capitalized:
 *   model `Iris` gives `buildIris`, `loadIris`, `predictIris`, `evaluateIris` and the types
 *   `IrisInputs`, `IrisTargets`, `IrisPredictions`; `train slow: Net` gives `settingsSlow` and
 *   `trainSlow`. No prefix is the start of another (build, load, predict, evaluate, settings,
 *   train), and after a prefix comes an uppercase letter or `_`, never a lowercase one.
 * - Capitalizing is one-to-one except for two names that differ only in their first letter's case
 *   (`net` and `Net`): the later one in the module's order then gets `$2` (`buildNet$2`), the next
 *   `$3`. `$` is in no `.nn` name, so no other name can produce such a name.
 * - Helpers that are not exported are `_` + a kind + a number (`_build1`, `_expected2`): public
 *   value names start with a lowercase prefix, so none is ever of that form.
 * - Local names inside generated functions (`builds`, `options`, `input0`, `layer3`) are
 *   lowercase words with no capital after a prefix: no module name is spelled like them.
 */

/** The part a public name is made of: the name with its first letter capitalized, defended as an identifier. */
export function publicPart(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_]/g, "_");
  const identifier = /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
  return identifier.charAt(0).toUpperCase() + identifier.slice(1);
}

/** The names generated for one model (from its build function to the types of its data). */
export interface ModelNames {
  readonly build: string;
  readonly load: string;
  readonly predict: string;
  readonly evaluate: string;
  readonly inputs: string;
  readonly targets: string;
  readonly predictions: string;
}

/** The names generated for one training. */
export interface TrainingNames {
  readonly settings: string;
  readonly train: string;
}

/** Each name's part, in order; a part taken before gets `$2`, `$3`, … (see the file's comment). */
function parts(names: readonly string[]): Map<string, string> {
  const taken = new Map<string, number>();
  const out = new Map<string, string>();
  for (const name of names) {
    if (out.has(name)) continue;
    const part = publicPart(name);
    const count = (taken.get(part) ?? 0) + 1;
    taken.set(part, count);
    out.set(name, count === 1 ? part : `${part}$${count}`);
  }
  return out;
}

export function modelNamesOf(part: string): ModelNames {
  return {
    build: `build${part}`,
    load: `load${part}`,
    predict: `predict${part}`,
    evaluate: `evaluate${part}`,
    inputs: `${part}Inputs`,
    targets: `${part}Targets`,
    predictions: `${part}Predictions`,
  };
}

export function trainingNamesOf(part: string): TrainingNames {
  return { settings: `settings${part}`, train: `train${part}` };
}

/** The names of one module: every model and training it may declare, in the module's order. */
export class ModuleNames {
  private readonly models: Map<string, string>;
  private readonly trainings: Map<string, string>;
  private readonly internal = new Map<string, number>();

  constructor(models: readonly string[], trainings: readonly string[]) {
    this.models = parts(models);
    this.trainings = parts(trainings);
  }

  model(name: string): ModelNames {
    const part = this.models.get(name);
    if (part === undefined) throw new Error(`model ${name} was not named for this module`);
    return modelNamesOf(part);
  }

  training(label: string): TrainingNames {
    const part = this.trainings.get(label);
    if (part === undefined) throw new Error(`training ${label} was not named for this module`);
    return trainingNamesOf(part);
  }

  /** A fresh name for a helper that is not exported: `_build1`, `_build2`, … */
  helper(kind: "build" | "expected"): string {
    const n = (this.internal.get(kind) ?? 0) + 1;
    this.internal.set(kind, n);
    return `_${kind}${n}`;
  }
}
