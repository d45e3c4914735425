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
 *
 * A layer that generated code adds after a source layer (the `leaky_relu` a dense or conv layer
 * takes as its activation, which tfjs-layers' own layers do not) is named after that layer:
 * `dense_2.leaky_relu`, `nn-_h.leaky_relu`. A `.` is in no `.nn` name and in no name tfjs-layers
 * makes up, so such a name is never another layer's, and it is the same in every process (tfjs's
 * own names, `leaky_re_lu_LeakyReLU3`, count the layers made before in the process).
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

/** The tfjs name of a layer generated code adds after the source layer `layer` (`dense_2.leaky_relu`). */
export function helperLayerName(layer: string, role: string): string {
  return `${tfjsName(layer)}.${role}`;
}
