import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { completionSite } from "../../compiler/lsp/completion-context.js";

/** The place at the `|` in `source`. */
function placeAt(source: string) {
  const offset = source.indexOf("|");
  const site = completionSite(source.replace("|", ""), offset);
  const call = [...site.frames].reverse().find((f) => f.kind === "call");
  return { place: site.place.kind, prefix: site.prefix, call: call?.kind === "call" ? `${call.callee}#${call.currentName ?? call.positional}` : undefined };
}

describe("completion site", () => {
  it.each([
    ["|", "top"],
    ["model M {\n}\n|", "top"],
    ["train |", "trained-model"],
    ["train fast: M|", "trained-model"],
    ["model M {\n  input x: [4]\n  x -> |", "stage"],
    ["model M {\n  input x: [4]\n  x -> den|", "stage"],
    ["model M {\n  input x: [4]\n  x -> fc: d|", "stage"],
    ["model M {\n  input x: [4]\n  |", "statement"],
    ["model M {\n  input x: [4]\n  let h = |", "expression"],
    ["model M {\n  input x: [4]\n  x -> dense(10, |", "argument"],
    ["model M {\n  input x: [4]\n  x -> dense(10, activation: |", "argument-value"],
    ["model M {\n  input x: [4]\n  x -> dense(10, activation: re|", "argument-value"],
    ["model M {\n  input x: [4]\n  x -> dense(10, activation: relu|", "argument-value"],
    ["model M {\n  input x: [4]\n  x -> dense(10, activation: relu |", "none"],
    ["train M {\n  |", "key"],
    ["train M {\n  data: mnist()\n  ep|", "key"],
    ["train M {\n  optimizer: |", "value"],
    ["train M {\n  optimizer: sgd(|", "argument"],
    ["train M {\n  freeze: [|", "value"],
    ["train M {\n  freeze: [a, |", "value"],
    ["block B(x, k: |", "param-type"],
    ["model M {\n  // a comment |", "none"],
    ['train M {\n  init_from: "ru|', "none"],
    ["model M {\n  input x: [4]\n  x -> dense(10|", "none"],
  ])("%j is a %s place", (source, place) => {
    expect(placeAt(source).place).toBe(place);
  });

  it("knows the call and argument being written", () => {
    expect(placeAt("model M {\n  input x: [4]\n  x -> dense(10, init: normal(std: |").call).toBe("normal#std");
    expect(placeAt("model M {\n  input x: [4]\n  x -> conv2d(8, 3, |").call).toBe("conv2d#2");
    expect(placeAt("model M {\n  input x: [4]\n  x -> conv2d(8, kernel: [3, 3], |").call).toBe("conv2d#1");
    expect(placeAt("train M(hidden: |").call).toBe("M#hidden");
  });

  it("knows the call's arguments before and after the cursor", () => {
    const site = (source: string) => {
      const offset = source.indexOf("|");
      const result = completionSite(source.replace("|", ""), offset);
      const call = result.frames[result.frames.length - 1];
      return { named: call?.kind === "call" ? call.named : undefined, positional: call?.kind === "call" ? call.positional : undefined, following: result.following };
    };
    expect(site("model M {\n  input x: [4]\n  x -> conv2d(8, padding: same, |, 5, activation: relu)\n}\n")).toEqual({
      named: ["padding"],
      positional: 1,
      following: { names: ["activation"], positional: 1 },
    });
    // The argument being written is not one of the following ones, nested calls and lists are skipped.
    expect(site("model M {\n  input x: [4]\n  x -> dense(|10, init: normal(std: 1), l2: [1, 2])\n}\n").following).toEqual({ names: ["init", "l2"], positional: 0 });
    // An unclosed call ends where the next statement starts.
    expect(site("model M {\n  input x: [4]\n  x -> dense(10, |\n  let y = x -> dense(units: 3)\n}\n").following).toEqual({ names: [], positional: 0 });
  });

  it("takes the word before the cursor as the prefix", () => {
    expect(placeAt("model M {\n  input x: [4]\n  x -> den|").prefix).toBe("den");
    expect(placeAt("model M {\n  input x: [4]\n  x -> |").prefix).toBe("");
  });

  it("never throws, whatever comes before the cursor", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."model train block { } ( ) [ ] -> : , = x 1 \" // /* */ \n".split(" "), " ") }), fc.nat(), (text, at) => {
        const offset = text.length === 0 ? 0 : at % (text.length + 1);
        expect(() => completionSite(text, offset)).not.toThrow();
      }),
    );
  });
});
