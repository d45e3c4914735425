/**
 * Type-checks every `.ts` file of a folder as a user's strict project would (`tsc --strict
 * --noEmit`, NodeNext modules): generated modules must pass it as they are.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

/** tsc's output (empty when clean) and exit status for the `.ts` files in `dir`. */
export function strictTypeCheck(dir: string): { output: string; status: number | null } {
  const config = join(dir, "tsconfig.json");
  writeFileSync(
    config,
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", skipLibCheck: true, types: ["node"] },
      include: ["*.ts"],
    }),
  );
  const tsc = spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", config], { encoding: "utf8" });
  return { output: tsc.stdout + tsc.stderr, status: tsc.status };
}
