// The acceptance programs, for tests that run over many real programs.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const ACCEPTANCE = join(import.meta.dirname, "../../../shared/acceptance");

/** Every acceptance program of `ok/` and `errors/`, with its path. */
export function acceptancePrograms(): Array<{ path: string; text: string }> {
  return ["ok", "errors"].flatMap((sub) =>
    readdirSync(join(ACCEPTANCE, sub))
      .filter((f) => f.endsWith(".nn"))
      .map((f) => ({ path: join(ACCEPTANCE, sub, f), text: readFileSync(join(ACCEPTANCE, sub, f), "utf8") })),
  );
}
