/**
 * Loads Chevrotain from its single-file ES bundle. The package's main entry is hundreds of small
 * modules (its lodash-es dependency among them) and takes ~450 ms to import on this machine, against
 * ~20 ms for the bundle it ships in the same package; `nnc check` is run once per file by editors and
 * build scripts, so start-up time matters. The package's `exports` map hides the bundle, so it is
 * located next to the resolved main entry.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import type * as Chevrotain from "chevrotain";

const main = pathToFileURL(createRequire(import.meta.url).resolve("chevrotain"));
const chevrotain: typeof Chevrotain = await import(new URL("../chevrotain.mjs", main).href);

export const { CstParser, Lexer, createToken, createTokenInstance, tokenMatcher } = chevrotain;
