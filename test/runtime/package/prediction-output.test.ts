import { describe, expect, it } from "vitest";
import { csvField, float32Text, predictionCsv, predictionJson, predictionRecords } from "../../../runtime/package/prediction-output.js";
import type { OutputPrediction } from "../../../runtime/package/predictor.js";

function output(name: string, shape: number[], values: number[], classes: string[] | null = null, predicted: number[] | null = null): OutputPrediction {
  return { name, shape, values: Float32Array.from(values), classes, predicted: predicted && Int32Array.from(predicted) };
}

describe("prediction output", () => {
  it("writes numbers with the fewest digits that give back the float32", () => {
    expect(float32Text(Math.fround(0.1))).toBe("0.1");
    expect(float32Text(Math.fround(1 / 3))).toBe("0.33333334");
    expect(float32Text(1e-8)).toBe("1e-8");
    expect(float32Text(2)).toBe("2");
    expect(float32Text(NaN)).toBe("NaN");
  });

  it("quotes CSV fields as RFC 4180 says", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
  });

  it("one class output: `class` and one p(<class>) column per class, names quoted where needed", () => {
    const species = output("species", [3], [0.7, 0.2, 0.1, 0.1, 0.3, 0.6], ["a", "b,c", 'say "hi"'], [0, 2]);
    expect(predictionCsv([species], ["new.csv:2", "new.csv:3"])).toBe(
      ['source,class,p(a),"p(b,c)","p(say ""hi"")"', "new.csv:2,a,0.7,0.2,0.1", 'new.csv:3,"say ""hi""",0.1,0.3,0.6', ""].join("\n"),
    );
    expect(predictionRecords([species], ["new.csv:2", "new.csv:3"])[1]).toEqual({ source: "new.csv:3", class: 'say "hi"', p: { a: 0.1, "b,c": 0.3, 'say "hi"': 0.6 } });
  });

  it("a single sigmoid unit is the probability of the second class", () => {
    const spam = output("spam", [1], [0.25], ["ham", "spam"], [0]);
    expect(predictionCsv([spam], ["m.json: example 0"])).toBe("source,class,p(ham),p(spam)\nm.json: example 0,ham,0.75,0.25\n");
  });

  it("a sequence of classes: a list in JSON, joined with spaces in CSV", () => {
    const tags = output("tags", [2, 2], [0.9, 0.1, 0.2, 0.8], ["x", "y"], [0, 1]);
    expect(predictionCsv([tags], ["s.npy: example 0"])).toBe("source,class,p(x),p(y)\ns.npy: example 0,x y,0.9 0.2,0.1 0.8\n");
    expect(predictionRecords([tags], ["s.npy: example 0"])).toEqual([{ source: "s.npy: example 0", class: ["x", "y"], p: { x: [0.9, 0.2], y: [0.1, 0.8] } }]);
  });

  it("real-valued outputs: <output> or <output>[i]; several outputs name their columns", () => {
    const kind = output("kind", [2], [0.4, 0.6], ["cat", "dog"], [1]);
    const size = output("size", [1], [2.5]);
    const box = output("box", [2, 2], [1, 2, 3, 4]);
    expect(predictionCsv([kind, size, box], ["a.png"])).toBe(
      "source,kind,kind p(cat),kind p(dog),size,box[0],box[1],box[2],box[3]\na.png,dog,0.4,0.6,2.5,1,2,3,4\n",
    );
    expect(JSON.parse(predictionJson([kind, size, box], ["a.png"]))).toEqual([{ source: "a.png", kind: "dog", "kind p": { cat: 0.4, dog: 0.6 }, size: 2.5, box: [[1, 2], [3, 4]] }]);
  });
});
