/** A program of about `target` lines, free of diagnostics: blocks, models of conv/pool/dense stacks, and trainings. */
export function generate(target: number): string;
