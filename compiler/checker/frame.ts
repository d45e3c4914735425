/**
 * The evaluation frame of a model body or of one block call: the file it is written in, the names it
 * can see, and the block calls that led to it.
 */
import type { BlockDecl, Range } from "../../grammar/ast.js";
import type { Location } from "../diagnostics/diagnostic.js";
import type { Value } from "../schema/values.js";
import type { FileScope } from "./program.js";

export type BindingKind = "input" | "let" | "param" | "dim" | "output";

/** A name bound in a body: an input, a `let`, a parameter or a dimension symbol. */
export interface Binding {
  readonly kind: BindingKind;
  readonly value: Value;
  readonly declaredAt: Range;
  used: boolean;
}

export interface Frame {
  readonly file: string;
  readonly scope: FileScope;
  readonly env: Map<string, Binding>;
  /** Names of the block calls that led here, outermost first. */
  readonly blockPath: readonly string[];
  /** The outermost block call in the model, when inside a block. */
  readonly site?: Location;
  /** The blocks being called, to detect recursion (E106). */
  readonly callStack: readonly BlockDecl[];
  /** True in a model body, false in a block body (inputs and outputs are model-only). */
  readonly isModel: boolean;
}

/** Looks a name up and marks it used. */
export function lookup(frame: Frame, name: string): Binding | undefined {
  const binding = frame.env.get(name);
  if (binding) binding.used = true;
  return binding;
}
