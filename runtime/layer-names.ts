/**
 * The names TensorFlow.js gives layers and inputs. tfjs-layers accepts only names matching
 * `/^[A-Za-z0-9][-A-Za-z0-9._\/]*$/` (tfjs-layers' `isValidTensorName`: "Not a valid tensor name"),
 * while a `.nn` name may start with `_` (`_h`, `__proto__`). Such a name is given to tfjs as
 * `nn-` + the name (`nn-_h`): `-` is in no `.nn` name and in no name tfjs-layers makes up, so the
 * mapping is one-to-one and `sourceName` reads it back. Every other name is tfjs's name as written.
 *
 * Generated code names layers, inputs and models with `tfjsName` (compiler/codegen), so saved
 * models, `init_from` (which copies weights by layer name) and `model.getLayer` see one name; the
 * runtime maps `freeze`/`reinit` labels the same way and shows `sourceName` in reports and messages.
 */
const PREFIX = "nn-";
const VALID = /^[A-Za-z0-9][-A-Za-z0-9._]*$/;

/** The name tfjs-layers knows a source name by. */
export function tfjsName(name: string): string {
  return VALID.test(name) && !name.startsWith(PREFIX) ? name : `${PREFIX}${name}`;
}

/** The source name of a layer or input, from the name tfjs-layers knows it by. */
export function sourceName(name: string): string {
  return name.startsWith(PREFIX) ? name.slice(PREFIX.length) : name;
}
