/**
 * The values a check met (`CheckResult.values`), gathered as runs of (node, value) pairs and made
 * into a map only when an editor first asks: publishing diagnostics after an edit never needs it,
 * and a run kept by the `CheckCache` is added whole instead of value by value.
 */
import type { Expr, Identifier } from "../../grammar/ast.js";
import type { Value } from "../schema/values.js";

export type ValueRecord = readonly [Expr | Identifier, Value];

export class RecordedValues implements ReadonlyMap<Expr | Identifier, readonly Value[]> {
  private readonly runs: Array<readonly ValueRecord[]> = [];
  private open: ValueRecord[] | undefined;
  private built: Map<Expr | Identifier, Value[]> | undefined;

  /** Adds one value; values of a node keep the order they were recorded in. */
  record(node: Expr | Identifier, value: Value): void {
    if (!this.open) this.runs.push((this.open = []));
    this.open.push([node, value]);
    this.built = undefined;
  }

  /** Adds a run of values recorded earlier. */
  recordAll(run: readonly ValueRecord[]): void {
    this.open = undefined;
    this.runs.push(run);
    this.built = undefined;
  }

  private get map(): Map<Expr | Identifier, Value[]> {
    if (!this.built) {
      const map = new Map<Expr | Identifier, Value[]>();
      for (const run of this.runs) {
        for (const [node, value] of run) {
          const known = map.get(node);
          if (known) known.push(value);
          else map.set(node, [value]);
        }
      }
      this.built = map;
    }
    return this.built;
  }

  get(node: Expr | Identifier): readonly Value[] | undefined {
    return this.map.get(node);
  }

  has(node: Expr | Identifier): boolean {
    return this.map.has(node);
  }

  get size(): number {
    return this.map.size;
  }

  forEach(callback: (values: readonly Value[], node: Expr | Identifier, map: ReadonlyMap<Expr | Identifier, readonly Value[]>) => void): void {
    for (const [node, values] of this.map) callback(values, node, this);
  }

  entries(): MapIterator<[Expr | Identifier, readonly Value[]]> {
    return this.map.entries();
  }

  keys(): MapIterator<Expr | Identifier> {
    return this.map.keys();
  }

  values(): MapIterator<readonly Value[]> {
    return this.map.values();
  }

  [Symbol.iterator](): MapIterator<[Expr | Identifier, readonly Value[]]> {
    return this.entries();
  }
}
