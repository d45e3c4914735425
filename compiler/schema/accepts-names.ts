import type { ValueType } from "./types.js";

/** Whether a bare name can stand for a value of this type (an enum or constructor name). */
export function acceptsNames(type: ValueType | undefined): boolean {
  if (!type) return false;
  switch (type.kind) {
    case "enum":
    case "ctor":
      return true;
    case "union":
      return type.of.some(acceptsNames);
    case "list":
      return acceptsNames(type.of);
    default:
      return false;
  }
}
