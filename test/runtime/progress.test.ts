import { describe, expect, it } from "vitest";
import { drawBar, EpochProgress, formatEta } from "../../runtime/train/progress.js";

/** A stream that records writes, and a clock the test moves by hand. */
function setup(isTTY: boolean, columns?: number) {
  const writes: string[] = [];
  const stream = { isTTY, columns, write: (s: string) => writes.push(s) };
  let now = 1000;
  const clock = { now: () => now, advance: (ms: number) => void (now += ms) };
  return { writes, stream, clock, text: () => writes.join("") };
}

const BAR_LINE = /^epoch 3\/30 \[(=*>? *)\] 1200\/5000 {2}ETA (\d+:\d\d) {2}loss 0\.2312 {2}acc 93\.10%$/;

describe("EpochProgress on a terminal", () => {
  it("draws one self-overwriting line: epoch, bar, steps, ETA, loss, accuracy", () => {
    const { writes, stream, clock } = setup(true);
    const p = new EpochProgress({ epoch: 3, epochs: 30, steps: 5000, stream, now: clock.now });
    clock.advance(12_000);
    p.update(1200, { loss: 0.23121, accuracy: 0.931 });
    expect(writes).toHaveLength(1);
    expect(writes[0].startsWith("\r\x1b[2K")).toBe(true);
    expect(writes[0]).not.toContain("\n");
    const m = BAR_LINE.exec(writes[0].slice("\r\x1b[2K".length));
    expect(m).not.toBeNull();
    // 1200 of 5000 steps: 7 of the 30 bar cells, then the head.
    expect(m![1]).toBe(`${"=".repeat(7)}>${" ".repeat(22)}`);
    // 12 s for 1200 steps → 10 ms a step → 3800 steps left take 38 s.
    expect(m![2]).toBe("0:38");
  });

  it("leaves out the accuracy when there is none", () => {
    const { writes, stream, clock } = setup(true);
    new EpochProgress({ epoch: 1, epochs: 2, steps: 10, stream, now: clock.now }).update(5, { loss: 1.5 });
    expect(writes[0]).toMatch(/loss 1\.5000$/);
    expect(writes[0]).not.toContain("acc");
  });

  it("redraws at most every 100 ms", () => {
    const { writes, stream, clock } = setup(true);
    const p = new EpochProgress({ epoch: 1, epochs: 1, steps: 1000, stream, now: clock.now });
    for (let s = 1; s <= 1000; s++) {
      clock.advance(1);
      p.update(s, { loss: 1 });
    }
    // 1000 steps over 1 s: the first draw, then one per 100 ms.
    expect(writes.length).toBe(10);
    expect(writes.every((w) => w.startsWith("\r\x1b[2K"))).toBe(true);
  });

  it("finish replaces the bar with the final line", () => {
    const { writes, stream, clock, text } = setup(true);
    const p = new EpochProgress({ epoch: 1, epochs: 1, steps: 4, stream, now: clock.now });
    p.update(1, { loss: 1 });
    p.finish("epoch 1/1  0.4s  loss 0.5000");
    expect(writes.at(-1)).toBe("\r\x1b[2Kepoch 1/1  0.4s  loss 0.5000\n");
    p.finish("again");
    p.update(4, { loss: 0 });
    expect(text().split("\n").filter(Boolean)).toHaveLength(1);
  });

  it("fits the line into the terminal width so that \\r can overwrite it", () => {
    for (const columns of [100, 72, 40]) {
      const { writes, stream, clock } = setup(true, columns);
      new EpochProgress({ epoch: 12, epochs: 100, steps: 60000, stream, now: clock.now }).update(30000, { loss: 0.5, accuracy: 0.5 });
      expect(writes[0].length - "\r\x1b[2K".length).toBeLessThanOrEqual(columns - 1);
    }
  });

  it("uses performance.now by default", () => {
    const { writes, stream } = setup(true);
    const p = new EpochProgress({ epoch: 1, epochs: 1, steps: 2, stream });
    p.update(1, { loss: 0.1 });
    expect(writes[0]).toMatch(/^\r\x1b\[2Kepoch 1\/1 \[/);
  });
});

describe("EpochProgress elsewhere (logs, CI)", () => {
  it("prints nothing while running and exactly one line per epoch", () => {
    const { writes, stream, clock, text } = setup(false);
    for (let epoch = 1; epoch <= 3; epoch++) {
      const p = new EpochProgress({ epoch, epochs: 3, steps: 50, stream, now: clock.now });
      for (let s = 1; s <= 50; s++) {
        clock.advance(500);
        p.update(s, { loss: 1 / s, accuracy: 0.5 });
      }
      p.finish(`epoch ${epoch}/3  done`);
    }
    expect(writes).toEqual(["epoch 1/3  done\n", "epoch 2/3  done\n", "epoch 3/3  done\n"]);
    expect(text()).not.toContain("\r");
    expect(text()).not.toContain("\x1b");
  });

  it("treats a stream without isTTY as not a terminal", () => {
    const writes: string[] = [];
    const p = new EpochProgress({ epoch: 1, epochs: 1, steps: 1, stream: { write: (s: string) => writes.push(s) } });
    p.update(1, { loss: 1 });
    p.finish("line");
    expect(writes).toEqual(["line\n"]);
  });
});

describe("helpers", () => {
  it("formatEta: m:ss, h:mm:ss from an hour", () => {
    expect(formatEta(41)).toBe("0:41");
    expect(formatEta(600)).toBe("10:00");
    expect(formatEta(3725)).toBe("1:02:05");
    expect(formatEta(NaN)).toBe("-:--");
  });
  it("drawBar: = filled, > head, blanks left", () => {
    expect(drawBar(0, 10)).toBe("[>         ]");
    expect(drawBar(0.5, 10)).toBe("[=====>    ]");
    expect(drawBar(1, 10)).toBe("[==========]");
    expect(drawBar(2, 4)).toBe("[====]");
  });
});
