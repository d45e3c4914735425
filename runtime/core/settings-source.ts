/**
 * A training's settings written back as `.nn` text, key by key, as a user would write them in a
 * `train` block: `optimizer` → `sgd(lr: 0.1, momentum: 0.9)`, `data` → `mnist(flat: true)`. The
 * board lists the settings in which runs differ this way. A constructor's arguments equal to their
 * defaults are left out; a key with no value (no `seed:`, no `early_stopping:`) is left out.
 *
 * The runtime never imports the compiler, so the constructors' defaults are listed here again;
 * test/runtime/settings-source.test.ts holds them to the compiler's signatures, and checks that
 * the text, put back in a train block, resolves to the same settings.
 */
import { isSearch, type DataSetting, type InitializerSetting, type PartSetting, type ResolvedTraining, type SearchSpec, type Tunable } from "./settings.js";

/** The default of every constructor argument that has one, by constructor and `.nn` argument name. */
export const ARGUMENT_DEFAULTS: Readonly<Record<string, Readonly<Record<string, number | boolean | string>>>> = {
  normal: { mean: 0, std: 1 },
  uniform: { low: -0.05, high: 0.05 },
  mnist: { train: 50000, validation: 10000, test: 10000, flat: false },
  adding_problem: { train: 10000, validation: 1000, test: 1000 },
  images: { color: "rgb", scale: 1 / 255 },
  patience: { monitor: "val_accuracy", min_delta: 0 },
  huber: { delta: 1 },
  cross_entropy: { from_logits: false },
  binary_cross_entropy: { from_logits: false },
  sparse_cross_entropy: { from_logits: false },
  step: { factor: 0.1 },
  multistep: { factor: 0.1 },
  on_plateau: { monitor: "val_loss", patience: 10, factor: 0.1, min_lr: 0 },
  cosine: { min_lr: 0 },
  warmup: { then: "constant" },
  sgd: { momentum: 0, nesterov: false },
  adagrad: { lr: 0.01 },
  adadelta: { lr: 1, rho: 0.95 },
  rmsprop: { lr: 0.001, decay: 0.9, momentum: 0 },
  adam: { lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  adamax: { lr: 0.002, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
};

/** A number as `.nn` writes it: `0.1`, `1e-7`, `-2` (the lexer takes `1e21`, not `1e+21`). */
function numberText(n: number): string {
  return String(n).replace("e+", "e");
}

/** `.nn` text of a value. */
type Printed = string;

function stringText(s: string): Printed {
  return JSON.stringify(s);
}

function listText(items: readonly Printed[]): Printed {
  return `[${items.join(", ")}]`;
}

/** `choice(16, 32)`, `log_uniform(0.001, 0.1)`: a search space over values printed by `item`. */
function searchText<T>(space: SearchSpec<T>, item: (value: T) => Printed): Printed {
  if (space.search === "choice") return `choice(${space.options.map(item).join(", ")})`;
  return `${space.search}(${numberText(space.low)}, ${numberText(space.high)})`;
}

function tunable<T>(value: Tunable<T>, item: (value: T) => Printed): Printed {
  return isSearch(value) ? searchText(value, item) : item(value);
}

const num = (value: Tunable<number>): Printed => tunable(value, numberText);
const flag = (value: Tunable<boolean>): Printed => tunable(value, String);
const name = (value: Tunable<string>): Printed => tunable(value, (n) => n);
const path = (value: Tunable<string>): Printed => tunable(value, stringText);

/**
 * `name(arg: value, …)` with the arguments in the signature's order; an argument at its default
 * (compared before printing) or absent (`undefined`, `null`) is left out, and a constructor
 * without arguments is its bare name.
 */
function call(ctor: string, args: readonly [string, unknown, Printed | null][]): Printed {
  const defaults = ARGUMENT_DEFAULTS[ctor] ?? {};
  const written = args.filter(([arg, value, text]) => text !== null && value !== null && value !== undefined && !(arg in defaults && defaults[arg] === value));
  return written.length === 0 ? ctor : `${ctor}(${written.map(([arg, , text]) => `${arg}: ${text}`).join(", ")})`;
}

/** An argument: its name, its value (to compare with the default) and its text (null: absent). */
function arg<T>(argName: string, value: T | null, print: (value: T) => Printed): [string, unknown, Printed | null] {
  return [argName, value, value === null ? null : print(value)];
}

function shapeText(shape: readonly Tunable<number>[]): Printed {
  return listText(shape.map(num));
}

function classesText(classes: number | readonly string[]): Printed {
  return typeof classes === "number" ? numberText(classes) : listText(classes.map(stringText));
}

/** One path bare, several as a list. */
function pathsText(paths: readonly Tunable<string>[]): Printed {
  return paths.length === 1 ? path(paths[0]) : listText(paths.map(path));
}

/** A `test:` or `validation:` part: a fraction, or files in the source's own layout. */
function partText(part: PartSetting, data: DataSetting): Printed {
  if (part.kind === "fraction") return numberText(part.fraction);
  const paths = part.paths.map(stringText);
  if (data.kind === "npy") {
    // The x paths, then the y paths: one per model input and output, as in the training files.
    const x = paths.slice(0, data.x.length);
    const y = paths.slice(data.x.length);
    const group = (items: string[]) => (items.length === 1 ? items[0] : listText(items));
    return listText([group(x), group(y)]);
  }
  return paths.length === 1 ? paths[0] : listText(paths);
}

function dataText(data: DataSetting): Printed {
  const parts = (d: DataSetting & { test: PartSetting | null; validation: PartSetting | null }) => [
    arg("test", d.test, (p: PartSetting) => partText(p, d)),
    arg("validation", d.validation, (p: PartSetting) => partText(p, d)),
  ];
  switch (data.kind) {
    case "mnist":
      return call("mnist", [arg("train", data.train, num), arg("validation", data.validation, num), arg("test", data.test, num), arg("flat", data.flat, flag)]);
    case "adding_problem":
      return call("adding_problem", [arg("length", data.length, num), arg("train", data.train, num), arg("validation", data.validation, num), arg("test", data.test, num)]);
    case "idx":
      return call("idx", [arg("images", data.images, path), arg("labels", data.labels, path), arg("shape", data.shape, shapeText), arg("classes", data.classes, classesText), ...parts(data)]);
    case "csv":
      return call("csv", [
        arg("path", data.path, path),
        arg("label", data.label, (columns) => (columns.length === 1 ? columnText(columns[0]) : listText(columns.map(columnText)))),
        arg("features", data.features, (counts) => (counts.length === 1 ? num(counts[0]) : shapeText(counts))),
        arg("classes", data.classes, classesText),
        arg("targets", data.targets, num),
        ...parts(data),
      ]);
    case "npy":
      return call("npy", [
        arg("x", data.x, pathsText),
        arg("y", data.y, pathsText),
        arg("shape", data.shape, shapeText),
        arg("classes", data.classes, classesText),
        arg("targets", data.targets, num),
        ...parts(data),
      ]);
    case "json":
      return call("json", [arg("path", data.path, path), arg("shape", data.shape, shapeText), arg("classes", data.classes, classesText), arg("targets", data.targets, num), ...parts(data)]);
    case "images":
      return call("images", [
        arg("path", data.path, path),
        arg("size", data.size, shapeText),
        arg("color", data.color, name),
        arg("scale", data.scale, num),
        arg("classes", data.classes, (names) => listText(names.map(stringText))),
        ...parts(data),
      ]);
  }
}

function columnText(column: string | number): Printed {
  return typeof column === "number" ? numberText(column) : stringText(column);
}

export function initializerText(init: InitializerSetting): Printed {
  switch (init.kind) {
    case "constant":
      return call("constant", [arg("value", init.value, num)]);
    case "normal":
      return call("normal", [arg("mean", init.mean, num), arg("std", init.std, num)]);
    case "uniform":
      return call("uniform", [arg("low", init.low, num), arg("high", init.high, num)]);
    default:
      return init.kind;
  }
}

type Setting<K extends keyof ResolvedTraining> = Exclude<ResolvedTraining[K], null>;
type Item<T> = T extends readonly (infer I)[] ? I : never;

function lossText(loss: Item<Setting<"loss">>): Printed {
  return tunable(loss, (l) => {
    if (l.kind === "huber") return call("huber", [arg("delta", l.delta, num)]);
    if ("fromLogits" in l) return call(l.kind, [arg("from_logits", l.fromLogits, flag)]);
    return l.kind;
  });
}

function optimizerText(optimizer: Setting<"optimizer">): Printed {
  return tunable(optimizer, (o) => {
    switch (o.kind) {
      case "sgd":
        return call("sgd", [arg("lr", o.lr, num), arg("momentum", o.momentum, num), arg("nesterov", o.nesterov, flag)]);
      case "adagrad":
        return call("adagrad", [arg("lr", o.lr, num)]);
      case "adadelta":
        return call("adadelta", [arg("lr", o.lr, num), arg("rho", o.rho, num)]);
      case "rmsprop":
        return call("rmsprop", [arg("lr", o.lr, num), arg("decay", o.decay, num), arg("momentum", o.momentum, num)]);
      default:
        return call(o.kind, [arg("lr", o.lr, num), arg("beta1", o.beta1, num), arg("beta2", o.beta2, num), arg("epsilon", o.epsilon, num)]);
    }
  });
}

function scheduleText(schedule: Setting<"schedule">): Printed {
  return tunable(schedule, (s): Printed => {
    switch (s.kind) {
      case "constant":
        return "constant";
      case "step":
        return call("step", [arg("every", s.every, num), arg("factor", s.factor, num)]);
      case "multistep":
        return call("multistep", [arg("at", s.at, shapeText), arg("factor", s.factor, num)]);
      case "exponential":
      case "inverse_time":
        return call(s.kind, [arg("k", s.k, num)]);
      case "on_plateau":
        return call("on_plateau", [arg("monitor", s.monitor, name), arg("patience", s.patience, num), arg("factor", s.factor, num), arg("min_lr", s.minLr, num)]);
      case "cosine":
        return call("cosine", [arg("min_lr", s.minLr, num)]);
      case "warmup":
        // `then` is compared by its text: its default is the bare `constant`.
        return call("warmup", [arg("epochs", s.epochs, num), arg("then", scheduleText(s.then), (text) => text)]);
    }
  });
}

function transformText(transform: Item<ResolvedTraining["augment"]>): Printed {
  return tunable(transform, (t) => {
    switch (t.kind) {
      case "shift":
        return call("shift", [arg("pixels", t.pixels, num)]);
      case "rotate":
        return call("rotate", [arg("degrees", t.degrees, num)]);
      case "skew":
        return call("skew", [arg("amount", t.amount, num)]);
      case "elastic":
        return call("elastic", [arg("alpha", t.alpha, num), arg("sigma", t.sigma, num)]);
    }
  });
}

/** A model argument: numbers and flags as written, an initializer as a call, a name bare, other strings quoted. */
export function modelArgumentText(value: ResolvedTraining["model"]["args"][string]): Printed {
  return tunable(value, (v) => {
    if (typeof v === "number") return numberText(v);
    if (typeof v === "boolean") return String(v);
    if (typeof v === "object") return initializerText(v);
    // The resolved settings do not say whether a string was a name (`relu`) or a string: a name is
    // what model parameters mostly take (activations), so an identifier is written bare.
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(v) ? v : stringText(v);
  });
}

/**
 * Every training key with a value, in the order of the language reference, as `.nn` text; `model`
 * is the train block's model with its arguments (`Mlp(hidden: 64)`), followed by each search space
 * of its layers under its dimension's name (`"h.units": "choice(32, 64)"`).
 */
export function settingsSource(settings: ResolvedTraining): Record<string, string> {
  const s = settings;
  const out: Record<string, string> = {};
  // A layer's search space travels with the model arguments under its dimension's name (`h.units`),
  // which is no argument of the model: it gets a line of its own.
  const isParameter = (name: string) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
  const args = Object.entries(s.model.args).filter(([name]) => isParameter(name));
  out.model = args.length === 0 ? s.model.name : `${s.model.name}(${args.map(([k, v]) => `${k}: ${modelArgumentText(v)}`).join(", ")})`;
  for (const [name, value] of Object.entries(s.model.args)) if (!isParameter(name)) out[name] = modelArgumentText(value);
  out.data = tunable(s.data, dataText);
  if (s.validation.kind === "fraction") out.validation = num(s.validation.fraction);
  if (s.validation.kind === "dataset") out.validation = tunable(s.validation.data, dataText);
  if (s.folds !== null) out.folds = num(s.folds);
  out.normalize = name(s.normalize);
  out.loss = s.loss.length === 1 ? lossText(s.loss[0]) : listText(s.loss.map(lossText));
  if (s.lossWeights !== null) out.loss_weights = listText(s.lossWeights.map(num));
  out.optimizer = optimizerText(s.optimizer);
  out.schedule = scheduleText(s.schedule);
  if (s.regularization !== null) {
    out.regularization = tunable(s.regularization, (r) => (r.kind === "l1_l2" ? call("l1_l2", [arg("l1", r.l1, num), arg("l2", r.l2, num)]) : call(r.kind, [arg("lambda", r.lambda, num)])));
  }
  out.batch_size = num(s.batchSize);
  out.epochs = num(s.epochs);
  if (s.earlyStopping !== null) {
    out.early_stopping = tunable(s.earlyStopping, (e) => call("patience", [arg("n", e.patience, num), arg("monitor", e.monitor, name), arg("min_delta", e.minDelta, num)]));
  }
  out.augment = listText(s.augment.map(transformText));
  out.expand = listText(s.expand.map(transformText));
  if (s.metrics !== null) out.metrics = listText(s.metrics.map((m) => tunable(m, (metric) => (metric.kind === "top_k" ? call("top_k", [arg("k", metric.k, num)]) : metric.kind))));
  out.ensemble = num(s.ensemble);
  // `vote`, `freeze` and `reinit` only mean something with an ensemble or `init_from` (E303 otherwise).
  if (s.ensemble !== 1) out.vote = name(s.vote);
  if (s.init !== null) out.init = tunable(s.init, initializerText);
  if (s.seed !== null) out.seed = num(s.seed);
  if (s.clip !== null) out.clip = tunable(s.clip, (c) => call(c.kind, [arg("max", c.max, num)]));
  out.monitor = listText(s.monitor.map(name));
  if (s.checkpoint !== null) out.checkpoint = tunable(s.checkpoint, (c) => call("every", [arg("epochs", c.epochs, num)]));
  if (s.initFrom !== null) out.init_from = path(s.initFrom);
  if (s.freeze.length > 0) out.freeze = listText(s.freeze);
  if (s.reinit.length > 0) out.reinit = listText(s.reinit);
  if (s.tune !== null) out.tune = s.tune.kind === "grid" ? "grid" : `${s.tune.kind}(${numberText(s.tune.trials)})`;
  if (s.objective !== null) out.objective = `${s.objective.kind}(${s.objective.metric})`;
  // `repeats` only means something with `tune` (E303 otherwise).
  if (s.repeats !== 1) out.repeats = num(s.repeats);
  return out;
}

/**
 * The keys whose text differs between runs, in the order of `settingsSource`, with each run's text
 * (`""` for a run without the key).
 */
export function settingsDiff(runs: readonly ResolvedTraining[]): { key: string; values: string[] }[] {
  const sources = runs.map(settingsSource);
  const keys: string[] = [];
  for (const source of sources) for (const key of Object.keys(source)) if (!keys.includes(key)) keys.push(key);
  return keys.map((key) => ({ key, values: sources.map((source) => source[key] ?? "") })).filter(({ values }) => values.some((v) => v !== values[0]));
}
