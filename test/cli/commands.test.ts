/** Dispatching commands: a mistyped command gets a "did you mean", as a mistyped option does. */
import { describe, expect, it } from "vitest";
import { main } from "../../compiler/cli/main.js";

/** Runs the CLI in-process and captures what it prints. */
async function run(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), color: false });
  return { code, stdout, stderr };
}

describe("an unknown command", () => {
  it("gets a did-you-mean and exit code 2", async () => {
    const r = await run("trian", "net.nn");
    expect(r).toEqual({ code: 2, stdout: "", stderr: "nnc: unknown command `trian`; did you mean `train`?\n" });
  });

  it("suggests every command from a typo of it", async () => {
    const typos: Record<string, string> = {
      chekc: "check",
      sumary: "summary",
      compiel: "compile",
      trian: "train",
      evalute: "evaluate",
      predcit: "predict",
      fmr: "fmt",
      lps: "lsp",
      hlep: "help",
    };
    for (const [typo, command] of Object.entries(typos)) {
      const r = await run(typo);
      expect(r.code, typo).toBe(2);
      expect(r.stderr, typo).toBe(`nnc: unknown command \`${typo}\`; did you mean \`${command}\`?\n`);
    }
  });

  it("without a close command, lists the commands", async () => {
    const r = await run("frobnicate");
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe("nnc: unknown command `frobnicate`");
    expect(r.stderr).toContain("nnc check FILES…");
    expect(r.stderr).toContain("nnc train FILE");
  });

  it("is never a property every object has", async () => {
    for (const name of ["toString", "constructor", "__proto__", "hasOwnProperty"]) {
      const r = await run(name);
      expect(r.code, name).toBe(2);
      expect(r.stderr.split("\n")[0], name).toBe(`nnc: unknown command \`${name}\``);
    }
  });

  it("gets a did-you-mean from `nnc help` too", async () => {
    expect(await run("help", "trian")).toEqual({ code: 2, stdout: "", stderr: "nnc help: unknown command `trian`; did you mean `train`?\n" });
    const r = await run("help", "frobnicate");
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe("nnc help: unknown command `frobnicate`");
    expect((await run("help", "toString")).code).toBe(2);
  });

  it("leaves the known commands as they are", async () => {
    expect((await run("help", "train")).code).toBe(0);
    expect((await run("--version")).stdout).toBe("nnc 0.1.0\n");
  });
});
