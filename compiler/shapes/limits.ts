/**
 * The sizes nnc accepts, and their wording in diagnostics (E105).
 *
 * - A tensor holds at most `MAX_TENSOR_VALUES` = 2^31 − 1 values: one example of a model input or of
 *   a layer's output, and the weights of one layer; every dimension and size-like argument (units,
 *   filters, kernel, vocab, n) is therefore at most that too. It is the largest 32-bit signed
 *   integer: TensorFlow.js stores token ids (which index an embedding) as int32, a typed array in
 *   Node holds at most 2^32 elements (a batch of two such examples would not fit), and the Wasm
 *   backend's memory is 32-bit. A larger tensor could not be built to train.
 * - Any other integer is at most `Number.MAX_SAFE_INTEGER` = 2^53 − 1: beyond it a number written
 *   in the source is not the number read (`9007199254740993` reads as …992).
 * - Numbers are at most about 1.8e308 (`Number.MAX_VALUE`): `1e400` is infinite.
 */

/** The most values one tensor may hold, and so the largest dimension or size. */
export const MAX_TENSOR_VALUES = 2 ** 31 - 1;

/** "2,147,483,647 (2^31 − 1)", for messages. */
export const MAX_TENSOR_VALUES_TEXT = "2,147,483,647 (2^31 − 1)";

/** "9,007,199,254,740,991 (2^53 − 1)", for messages. */
export const MAX_EXACT_INTEGER_TEXT = "9,007,199,254,740,991 (2^53 − 1)";

/** Why sizes stop at 2^31 − 1, as a help line. */
export const TENSOR_LIMIT_HELP = `nnc's limit, matching TensorFlow.js: one tensor holds at most ${MAX_TENSOR_VALUES_TEXT} values, so no dimension, size or layer's weights may be larger`;

/** 1234567 → "1,234,567"; integers beyond 2^53 − 1 print as JavaScript rounds them, with an exponent. */
export function countText(n: number): string {
  return Number.isSafeInteger(n) ? n.toLocaleString("en-US") : String(n);
}

/** E105's message for a number literal that reads as infinity (`1e400`). */
export function numberTooLarge(text: string): string {
  return `the number ${text} is too large: numbers go up to about 1.8e308`;
}
