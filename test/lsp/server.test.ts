/**
 * End-to-end: the real server process over stdio, driven as an editor drives it.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  CodeAction,
  CompletionItem,
  Diagnostic,
  DocumentSymbol,
  Hover,
  InlayHint,
  Location,
  SignatureHelp,
  TextEdit,
  WorkspaceEdit,
} from "vscode-languageserver-protocol";
import { main } from "../../compiler/cli/main.js";
import { format } from "../../compiler/format/format.js";
import { positionOf, rangeOf, TestClient } from "./client.js";

const NET = `/// Convolution then pooling.
block ConvPool(x, filters: int, kernel: int = 5) {
  x -> conv2d(filters, kernel: kernel, activation: relu) -> maxpool(2)
}

/// The lectures' network.
model MnistCnn {
  input image: [28, 28, 1]
  let features = image
    -> conv2d(20, kernel: 5)
    -> maxpool(2)
  features
    -> flatten
    /// The hidden layer.
    -> fc: dense(100, activation: relu)
    -> dense(10, activation: softmax)
}

model Small {
  input image: [28, 28, 1]
  image -> ConvPool(8, kernel: 3) -> flatten -> dense(10, activation: softmax)
}

train MnistCnn {
  data: mnist()
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  init_from: "runs/base/model.json"
  freeze: [fc]
}
`;

let dir: string;
let client: TestClient;
const uriOf = (name: string): string => pathToFileURL(join(dir, name)).href;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "nnc-lsp-"));
  client = await TestClient.start();
});

afterAll(async () => {
  expect(client.logs.filter((l) => l.includes("internal error"))).toEqual([]);
  expect(await client.shutdown()).toBe(0);
});

async function nnCheckJson(
  path: string,
): Promise<{ code: string; message: string; label?: string; help?: string; range: { start: { line: number; column: number }; end: { line: number; column: number } } }[]> {
  let stdout = "";
  await main(["check", "--format", "json", path], { stdout: (t) => (stdout += t), stderr: () => {}, color: false });
  return JSON.parse(stdout).diagnostics.filter((d: { file: string }) => d.file === path);
}

describe("diagnostics", () => {
  it("are those of `nnc check`: same code, range and words (message, label, help), for every acceptance program", async () => {
    const folders = ["../shared/acceptance/errors", "../shared/acceptance/ok", "examples/mnist"];
    for (const folder of folders) {
      for (const name of readdirSync(folder).filter((f) => f.endsWith(".nn"))) {
        const path = join(process.cwd(), folder, name);
        const uri = pathToFileURL(path).href;
        const published = await client.open(uri, readFileSync(path, "utf8"));
        client.close(uri);
        const expected = (await nnCheckJson(path)).map((d) => ({
          code: d.code,
          // The message, the label under the span, then the help, one a line.
          message: [d.message, ...(d.label ? [d.label] : []), ...(d.help ? [`help: ${d.help}`] : [])].join("\n"),
          range: { start: { line: d.range.start.line - 1, character: d.range.start.column - 1 }, end: { line: d.range.end.line - 1, character: d.range.end.column - 1 } },
        }));
        expect(published.diagnostics.map((d) => ({ code: d.code, message: d.message, range: d.range })), `${folder}/${name}`).toEqual(expected);
      }
    }
  });

  it("follow incremental edits and are cleared when the fault is fixed", async () => {
    const uri = uriOf("edit.nn");
    const text = "model M {\n  input x: [4]\n  x -> dense(10, activation: relu)\n}\n";
    expect((await client.open(uri, text)).diagnostics).toEqual([]);
    const at = positionOf(text, "relu");
    const broken = await client.change(uri, { range: { start: at, end: { line: at.line, character: at.character + 4 } }, text: "rleu" });
    expect(broken.diagnostics.map((d) => [d.code, d.message])).toEqual([["E100", "unknown activation `rleu`\nhelp: did you mean `relu`?"]]);
    expect(broken.diagnostics[0].range).toEqual(rangeOf(text, "relu"));
    const fixed = await client.change(uri, { range: { start: at, end: { line: at.line, character: at.character + 4 } }, text: "tanh" });
    expect(fixed.diagnostics).toEqual([]);
  });

  it("carry the label under the span and the help in the message, and secondary labels as related information", async () => {
    const uri = uriOf("labels.nn");
    const text = [
      "model M {",
      "  input image: [28, 28, 1]",
      "  let a = image -> conv2d(16, kernel: 3, padding: same)",
      "  let b = a -> conv2d(32, kernel: 3, padding: same)",
      "  output a + b",
      "}",
      "",
    ].join("\n");
    const [d] = (await client.open(uri, text)).diagnostics;
    expect(d.code).toBe("E202");
    expect(d.message).toBe(
      [
        "cannot add [28, 28, 16] and [28, 28, 32]: shapes differ in the last dimension",
        "input is [28, 28, 32], from conv2d at line 4",
        "help: give both branches the same number of channels (here 16 and 32), for example the same `filters`, or join them with `concat`",
      ].join("\n"),
    );
    // The label and the help are in the message; only the label elsewhere is related information, with its place.
    expect(d.relatedInformation).toEqual([{ location: { uri, range: rangeOf(text, "conv2d(16, kernel: 3, padding: same)") }, message: "[28, 28, 16] here" }]);
    client.close(uri);
  });

  it("re-check the open files that `use` a changed file", async () => {
    const lib = "block Stage(x, width: int) {\n  x -> dense(width, activation: relu)\n}\n";
    writeFileSync(join(dir, "lib.nn"), lib);
    const app = 'use "./lib.nn"\n\nmodel App {\n  input x: [8]\n  x -> Stage(4) -> dense(1)\n}\n';
    expect((await client.open(uriOf("app.nn"), app)).diagnostics).toEqual([]);
    // Opening lib.nn re-checks app.nn too (it now reads the open document instead of the disk).
    const reopened = client.nextDiagnostics(uriOf("app.nn"));
    await client.open(uriOf("lib.nn"), lib);
    expect((await reopened).diagnostics).toEqual([]);
    const appAgain = client.nextDiagnostics(uriOf("app.nn"));
    const start = positionOf(lib, "Stage");
    await client.change(uriOf("lib.nn"), { range: { start, end: { line: start.line, character: start.character + 5 } }, text: "Layer" });
    const published = await appAgain;
    expect(published.diagnostics.map((d) => d.code)).toEqual(["E100"]);
    expect(published.diagnostics[0].message.split("\n")[0]).toBe("unknown layer or block `Stage`");
    client.close(uriOf("lib.nn"));
    client.close(uriOf("app.nn"));
  });
});

describe("requests", () => {
  const uri = (): string => uriOf("net.nn");
  beforeAll(async () => {
    writeFileSync(join(dir, "net.nn"), NET);
    const published = await client.open(uri(), NET);
    expect(published.diagnostics).toEqual([]);
  });

  const hoverAt = async (needle: string, delta = 1, n = 0): Promise<string> => {
    const hover = await client.request<Hover | null>("textDocument/hover", client.at(uri(), positionOf(NET, needle, delta, n)));
    return hover && typeof hover.contents === "object" && "value" in hover.contents ? hover.contents.value : "";
  };

  it("hover shows a layer's shapes, parameter count, arguments with defaults and doc comment", async () => {
    const conv = await hoverAt("conv2d(20");
    expect(conv).toContain("`[28, 28, 1]` → `[24, 24, 20]`");
    expect(conv).toContain("Parameters: 520");
    expect(conv).toContain("conv2d(filters: 20, kernel: 5, stride: 1, padding: valid");
    const fc = await hoverAt("fc:");
    expect(fc).toContain("`[2880]` → `[100]`");
    expect(fc).toContain("The hidden layer.");
    expect(fc).toContain("Parameters: 288,100");
  });

  it("hover shows bindings, inputs, block calls and models", async () => {
    expect(await hoverAt("features\n", 1)).toBe("binding `features`: `[12, 12, 20]`");
    expect(await hoverAt("image\n")).toBe("input `image`: `[28, 28, 1]`");
    const block = await hoverAt("ConvPool(8");
    expect(block).toContain("→ `[13, 13, 8]`");
    expect(block).toContain("Convolution then pooling.");
    const model = await hoverAt("MnistCnn {");
    expect(model).toContain("image [28, 28, 1] → output [10]");
    expect(model).toContain("The lectures' network.");
    expect(await hoverAt("loss:")).toContain("The cost function");
  });

  it("inlay hints give each stage's output shape", async () => {
    const hints = await client.request<InlayHint[]>("textDocument/inlayHint", { textDocument: { uri: uri() }, range: { start: { line: 0, character: 0 }, end: { line: 40, character: 0 } } });
    const at = (needle: string) => hints.find((h) => h.position.line === positionOf(NET, needle).line && h.position.character === positionOf(NET, needle, needle.length).character)?.label;
    expect(at("conv2d(20, kernel: 5)")).toBe(": [24, 24, 20]");
    expect(at("maxpool(2)\n")).toBe(undefined);
    expect(at("    -> flatten")).toBe(": [2880]");
    expect(hints.map((h) => h.label)).toContain(": [13, 13, 8]");
  });

  const complete = async (needle: string, delta: number): Promise<string[]> => {
    const items = await client.request<CompletionItem[]>("textDocument/completion", client.at(uri(), positionOf(NET, needle, delta)));
    return items.map((i) => i.label);
  };

  it("completes layers and blocks after `->`, arguments and enum values in calls", async () => {
    const stages = await complete("-> flatten", 3);
    expect(stages).toEqual(expect.arrayContaining(["dense", "conv2d", "maxpool", "ConvPool", "lstm"]));
    expect(await complete("activation: relu)\n", 12)).toEqual(expect.arrayContaining(["relu", "sigmoid", "softmax", "tanh"]));
    const args = await complete("conv2d(20, ", 11);
    expect(args).toEqual(expect.arrayContaining(["kernel:", "padding:", "activation:", "init:"]));
    const blockArgs = await complete("ConvPool(8, ", 12);
    expect(blockArgs).toEqual(expect.arrayContaining(["kernel:"]));
    expect(blockArgs).not.toContain("x:");
  });

  it("completes training keys, their values and the trained model's labels", async () => {
    const keys = await complete("  loss: cross_entropy", 0);
    expect(keys).toEqual(expect.arrayContaining(["epochs", "batch_size", "schedule"]));
    expect(keys).not.toContain("data");
    expect(await complete("optimizer: sgd", 11)).toEqual(expect.arrayContaining(["sgd", "adam", "rmsprop"]));
    expect(await complete("sgd(lr: 0.1)", 4)).toEqual(expect.arrayContaining(["lr:", "momentum:", "nesterov:"]));
    expect(await complete("freeze: [fc]", 9)).toEqual(["fc"]);
  });

  it("completes declared names where a name goes", async () => {
    expect(await complete("  features\n", 2)).toEqual(expect.arrayContaining(["features", "image", "input", "let"]));
    // Where the number of filters goes: the block's integer parameters, not its tensor `x`.
    const filters = await complete("x -> conv2d(filters", 12);
    expect(filters).toEqual(expect.arrayContaining(["filters", "kernel"]));
    expect(filters).not.toContain("x");
  });

  it("gives signature help inside layer calls", async () => {
    const help = await client.request<SignatureHelp>("textDocument/signatureHelp", client.at(uri(), positionOf(NET, "conv2d(20, kernel: 5", 19)));
    expect(help.signatures[0].label).toMatch(/^conv2d\(filters, kernel, stride = 1, padding = valid/);
    expect(help.activeParameter).toBe(1);
  });

  it("goes to definitions and finds references across `use`d files", async () => {
    const definition = await client.request<Location>("textDocument/definition", client.at(uri(), positionOf(NET, "ConvPool(8", 2)));
    expect(definition).toEqual({ uri: uri(), range: rangeOf(NET, "ConvPool") });
    const label = await client.request<Location>("textDocument/definition", client.at(uri(), positionOf(NET, "[fc]", 1)));
    expect(label.range).toEqual(rangeOf(NET, "fc"));
    const binding = await client.request<Location>("textDocument/definition", client.at(uri(), positionOf(NET, "features\n", 1)));
    expect(binding.range).toEqual(rangeOf(NET, "features"));
    const refs = await client.request<Location[]>("textDocument/references", { ...client.at(uri(), positionOf(NET, "kernel: int", 1)), context: { includeDeclaration: true } });
    expect(refs.map((r) => r.range)).toEqual([rangeOf(NET, "kernel", 0), rangeOf(NET, "kernel", 2), rangeOf(NET, "kernel", 4)]);

    writeFileSync(join(dir, "blocks.nn"), "block Twice(x) {\n  x -> relu -> relu\n}\n");
    const user = 'use "./blocks.nn"\nmodel U {\n  input x: [3]\n  x -> Twice -> dense(2)\n}\n';
    await client.open(uriOf("user.nn"), user);
    const across = await client.request<Location>("textDocument/definition", client.at(uriOf("user.nn"), positionOf(user, "Twice", 1)));
    expect(across).toEqual({ uri: uriOf("blocks.nn"), range: { start: { line: 0, character: 6 }, end: { line: 0, character: 11 } } });
    const file = await client.request<Location>("textDocument/definition", client.at(uriOf("user.nn"), positionOf(user, "blocks", 1)));
    expect(file.uri).toBe(uriOf("blocks.nn"));
    client.close(uriOf("user.nn"));
  });

  it("renames a binding, a label (with its `freeze` entry) and a block", async () => {
    const edits = async (needle: string, newName: string): Promise<TextEdit[]> => {
      const edit = await client.request<WorkspaceEdit>("textDocument/rename", { ...client.at(uri(), positionOf(NET, needle, 1)), newName });
      return edit.changes?.[uri()] ?? [];
    };
    expect((await edits("features", "h")).map((e) => e.range)).toEqual([rangeOf(NET, "features", 0), rangeOf(NET, "features", 1)]);
    expect((await edits("fc:", "hidden")).map((e) => e.range)).toEqual([rangeOf(NET, "fc", 0), rangeOf(NET, "fc", 1)]);
    expect((await edits("ConvPool", "Stage")).length).toBe(2);
    await expect(client.request("textDocument/rename", { ...client.at(uri(), positionOf(NET, "features", 1)), newName: "2bad" })).rejects.toThrow(/not a valid name/);
  });

  it("lists document symbols", async () => {
    const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri: uri() } });
    expect(symbols.map((s) => s.name)).toEqual(["ConvPool", "MnistCnn", "Small", "MnistCnn"]);
    const model = symbols[1];
    expect(model.children?.map((c) => c.name)).toEqual(["image", "features", "flatten", "fc", "dense"]);
    expect(symbols[3].children?.map((c) => c.name)).toEqual(["data", "loss", "optimizer", "init_from", "freeze"]);
  });
});

describe("formatting and code actions", () => {
  it("formats exactly as `nnc fmt`", async () => {
    const uri = uriOf("messy.nn");
    const messy = "model M {input x: [4]; x->dense(10,activation:relu)}\n";
    await client.open(uri, messy);
    const edits = await client.request<TextEdit[]>("textDocument/formatting", { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    expect(edits).toHaveLength(1);
    expect(edits[0].newText).toBe(format(messy, "messy.nn").text);
    client.close(uri);
  });

  const actionsFor = async (text: string, name: string, needle: string): Promise<CodeAction[]> => {
    const uri = uriOf(name);
    const published = await client.open(uri, text);
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri },
      range: rangeOf(text, needle),
      context: { diagnostics: published.diagnostics as Diagnostic[] },
    });
    client.close(uri);
    return actions;
  };

  it("apply a diagnostic's \"did you mean\" fix", async () => {
    const text = "model M {\n  input x: [4]\n  x -> dense(10, activation: rleu)\n}\n";
    const [action] = await actionsFor(text, "typo.nn", "rleu");
    expect(action.title).toBe("Replace with `relu`");
    expect(Object.values(action.edit!.changes!)[0]).toEqual([{ range: rangeOf(text, "rleu"), newText: "relu" }]);
  });

  it("insert a missing flatten", async () => {
    const text = "model M {\n  input image: [28, 28, 1]\n  image -> fc: dense(10)\n}\n";
    const [action] = await actionsFor(text, "flatten.nn", "dense");
    expect(action.title).toBe("Insert `flatten` before the dense layer");
    expect(Object.values(action.edit!.changes!)[0]).toEqual([{ range: { start: positionOf(text, "fc:"), end: positionOf(text, "fc:") }, newText: "flatten -> " }]);
  });

  it("add the required keys a training lacks", async () => {
    const text = "model M {\n  input x: [4]\n  x -> dense(1)\n}\n\ntrain M {\n  data: mnist()\n}\n";
    const actions = await actionsFor(text, "keys.nn", "train M");
    const add = actions.find((a) => a.title.startsWith("Add the missing keys"));
    expect(add?.title).toBe("Add the missing keys `loss`, `optimizer`");
    expect(Object.values(add!.edit!.changes!)[0]).toEqual([
      { range: { start: positionOf(text, "}\n", 0, 1), end: positionOf(text, "}\n", 0, 1) }, newText: "  loss: cross_entropy\n  optimizer: sgd(lr: 0.1)\n" },
    ]);
  });
});
