/**
 * What the language server keeps from one check of a document to the next: each elaborated model
 * and checked training of the root files, keyed by its declaration node (`reparse` keeps the nodes
 * of declarations whose text did not change), with every lookup it made by name. An entry is used
 * again when each lookup still finds the same declaration, so an edit re-checks the declarations it
 * touched and those that use them, and nothing else.
 *
 * A training's check also looks at data files: every stamp it took (data-files.ts) is a lookup too,
 * so a training whose data file appears, disappears or changes is checked again.
 *
 * What an entry keeps points into the syntax tree, which moves with the text, except its
 * diagnostics: messages quote line numbers and fixes hold positions of their own, and neither would
 * follow a declaration that moved. So an entry that reported something is used again only while its
 * declaration and every declaration it looked up are where they were.
 */
import type { BlockDecl, Expr, Identifier, ModelDecl, Position, Range } from "../../grammar/ast.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { ModelGraph } from "../checker/graph.js";
import type { Declared, FileScope, Program } from "../checker/program.js";
import type { Value } from "../schema/values.js";
import type { ValueRecord } from "./recorded-values.js";
import type { DataFileAccess } from "../training/data-files.js";

/** What a cached piece of checking reads and writes; the cache records all of it. */
export interface CheckContext {
  readonly program: Program;
  report(diagnostic: Diagnostic): void;
  blockCalled(block: BlockDecl): void;
  recordValue(node: Expr | Identifier, value: Value): void;
  /** Records values recorded earlier, in order. */
  recordValues(run: readonly ValueRecord[]): void;
  /** The graph of a root model elaborated with its defaults, when there is one. */
  defaultGraph(model: ModelDecl): ModelGraph | undefined;
  /** How data files are looked at; undefined when they are not. */
  readonly dataFiles?: DataFileAccess;
}

/** A question a piece of checking asked, and whether it still gets the same answer now. */
type Lookup = (now: CheckContext) => boolean;

/** Where a declaration started when an entry was made. */
interface Anchor {
  readonly start: Position;
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

interface Entry {
  readonly result: unknown;
  readonly lookups: readonly Lookup[];
  readonly diagnostics: readonly Diagnostic[];
  /** For an entry with diagnostics: its declaration and those it looked up, which must not have moved. */
  readonly anchors: readonly Anchor[];
  readonly called: readonly BlockDecl[];
  readonly values: readonly ValueRecord[];
}

export class CheckCache {
  private entries = new WeakMap<object, Entry>();

  /**
   * `compute(context)` for the declaration `key`: the kept result when every lookup it made still
   * finds the same declarations (its diagnostics, called blocks and recorded values are replayed
   * into `context`), else computed afresh and kept.
   */
  run<T>(key: { readonly range: Range }, context: CheckContext, compute: (context: CheckContext) => T): T {
    const kept = this.entries.get(key);
    if (kept && kept.lookups.every((lookup) => lookup(context)) && kept.anchors.every(unmoved)) {
      for (const d of kept.diagnostics) context.report(d);
      for (const block of kept.called) context.blockCalled(block);
      if (kept.values.length > 0) context.recordValues(kept.values);
      return kept.result as T;
    }
    const looksAtData = context.dataFiles !== undefined;
    const lookups: Lookup[] = [(now) => (now.dataFiles !== undefined) === looksAtData];
    const called: BlockDecl[] = [];
    const values: ValueRecord[] = [];
    const diagnostics: Diagnostic[] = [];
    const found: Array<{ readonly range: Range }> = [key];
    const recording: CheckContext = {
      program: { ...context.program, scopes: recordingScopes(context.program.scopes, lookups, found) },
      report: (d) => {
        diagnostics.push(d);
        context.report(d);
      },
      blockCalled: (block) => {
        called.push(block);
        context.blockCalled(block);
      },
      recordValue: (node, value) => {
        values.push([node, value]);
        context.recordValue(node, value);
      },
      recordValues: (run) => {
        values.push(...run);
        context.recordValues(run);
      },
      defaultGraph: (model) => {
        const graph = context.defaultGraph(model);
        lookups.push((now) => now.defaultGraph(model) === graph);
        found.push(model);
        return graph;
      },
      dataFiles: context.dataFiles && recordingDataFiles(context.dataFiles, lookups),
    };
    const result = compute(recording);
    const anchors = diagnostics.length === 0 ? [] : found.map(({ range: { start } }) => ({ start, offset: start.offset, line: start.line, column: start.column }));
    this.entries.set(key, { result, lookups, called, values, diagnostics, anchors });
    return result;
  }
}

/** Data files seen through `files`, each stamp taken recorded as a lookup: the entry holds while every stamp does. */
function recordingDataFiles(files: DataFileAccess, lookups: Lookup[]): DataFileAccess {
  const stamped = new Set<string>();
  return {
    stat: (path) => {
      const stat = files.stat(path);
      const key = `${path}\0${stat.stamp}`;
      if (!stamped.has(key)) {
        stamped.add(key);
        lookups.push((now) => now.dataFiles?.stat(path).stamp === stat.stamp);
      }
      return stat;
    },
  };
}

function unmoved(anchor: Anchor): boolean {
  const { start } = anchor;
  return start.offset === anchor.offset && start.line === anchor.line && start.column === anchor.column;
}

/** Every file's scope, seen through tables that record each lookup into `lookups`. */
/** Every file's scope, seen through tables that record each lookup into `lookups` and each declaration found into `found`. */
function recordingScopes(
  scopes: ReadonlyMap<string, FileScope>,
  lookups: Lookup[],
  found: Array<{ readonly range: Range }>,
): ReadonlyMap<string, FileScope> {
  const recording = new Map<string, FileScope>();
  for (const [file, scope] of scopes) {
    const note =
      (table: "blocks" | "models") =>
      (name: string | undefined, decls: Found): void => {
        lookups.push((now) => sameDecls(now.program.scopes.get(file)?.[table], name, decls));
        if (Array.isArray(decls)) found.push(...decls);
        else if (decls) found.push(decls as { readonly range: Range });
      };
    recording.set(file, { blocks: new RecordingTable(scope.blocks, note("blocks")), models: new RecordingTable(scope.models, note("models")) });
  }
  return recording;
}

/** What a lookup found: one declaration (or none) for a name, or every declaration in order. */
type Found = { readonly range: Range } | undefined | ReadonlyArray<{ readonly range: Range }>;

function declsOf<T extends { readonly range: Range }>(table: ReadonlyMap<string, Declared<T>>): T[] {
  return [...table.values()].map((d) => d.decl);
}

function sameDecls(table: ReadonlyMap<string, Declared<{ readonly range: Range }>> | undefined, name: string | undefined, found: Found): boolean {
  if (!table) return false;
  if (name !== undefined) return table.get(name)?.decl === found;
  const all = declsOf(table);
  return Array.isArray(found) && all.length === found.length && all.every((decl, i) => decl === found[i]);
}

/** A name table that tells `note` each name looked up (undefined for a walk over every name) and what it found. */
class RecordingTable<T extends { readonly range: Range }> implements ReadonlyMap<string, Declared<T>> {
  constructor(
    private readonly table: ReadonlyMap<string, Declared<T>>,
    private readonly note: (name: string | undefined, found: Found) => void,
  ) {}

  get(name: string): Declared<T> | undefined {
    const found = this.table.get(name);
    this.note(name, found?.decl);
    return found;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  get size(): number {
    return this.all().length;
  }

  forEach(callback: (value: Declared<T>, key: string, map: ReadonlyMap<string, Declared<T>>) => void): void {
    for (const [key, value] of this.all()) callback(value, key, this);
  }

  entries(): MapIterator<[string, Declared<T>]> {
    return this.all()[Symbol.iterator]();
  }

  keys(): MapIterator<string> {
    return this.all().map(([key]) => key)[Symbol.iterator]();
  }

  values(): MapIterator<Declared<T>> {
    return this.all().map(([, value]) => value)[Symbol.iterator]();
  }

  [Symbol.iterator](): MapIterator<[string, Declared<T>]> {
    return this.entries();
  }

  private all(): Array<[string, Declared<T>]> {
    this.note(undefined, declsOf(this.table));
    return [...this.table.entries()];
  }
}
