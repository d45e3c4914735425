/**
 * The one definition of the `GRUResetAfter` layer (`gru(…, reset_after: true)`, the default), as a
 * factory over the tfjs instance it extends.
 *
 * A gated recurrent unit in the "reset after" form of Keras 2/3 (`reset_after=True`, their
 * default), cuDNN and PyTorch's `nn.GRU`: the reset gate multiplies the recurrent product *with its
 * own bias*, so the layer has two bias vectors, one for the input product and one for the
 * recurrent product. For a step with input x and previous state h:
 *
 *     z  = σ(x·W_z + b_z + h·U_z + c_z)            (update gate)
 *     r  = σ(x·W_r + b_r + h·U_r + c_r)            (reset gate)
 *     h̃  = activation(x·W_h + b_h + r ⊙ (h·U_h + c_h))
 *     h' = z ⊙ h + (1 − z) ⊙ h̃
 *
 * Weights as Keras stores them: `kernel` [F, 3·units], `recurrent_kernel` [units, 3·units] (gate
 * order z, r, h, as tfjs's GRU) and `bias` [2, 3·units] (row 0 the input bias b, row 1 the
 * recurrent bias c): 3·(units·(F + units) + 2·units) parameters. tfjs-layers has only the "reset
 * before" form (its `GRUCell` refuses `resetAfter: true`), which `gru(…, reset_after: false)` uses.
 *
 * The layer is tfjs's `RNN` around a cell of its own, so `returnSequences`, `goBackwards` (and
 * with it `bidirectional`) and masking behave exactly as for tfjs's `GRU`; autograd gives the
 * gradient. Dropout applies one mask to the inputs for the whole sequence, as tfjs's GRU does.
 *
 * Like `l2pool-factory.ts`, the factory is embedded as text in `nnc-layers.mjs`
 * (`standalone.ts`), so it must stay self-contained: only its `tf` argument and JavaScript's
 * built-ins, no imports (the one below is types only and is erased), no module-level constants.
 */
import type * as tfjs from "@tensorflow/tfjs";

export interface GRUResetAfterConfig {
  units: number;
  /** A tfjs activation name for the candidate (default "tanh"); the gates are always logistic. */
  activation?: string;
  returnSequences?: boolean;
  goBackwards?: boolean;
  dropout?: number;
  /** An initializer object, or its serialized form `{ className, config }` (a loaded model). */
  kernelInitializer?: unknown;
  recurrentInitializer?: unknown;
  biasInitializer?: unknown;
  name?: string;
  [key: string]: unknown;
}

/** The class the factory returns: a tfjs layer class, registrable with `tf.serialization.registerClass`. */
export interface GRUResetAfterClass extends tfjs.serialization.SerializableConstructor<tfjs.layers.Layer> {
  new (config: GRUResetAfterConfig): tfjs.layers.Layer;
  readonly className: "GRUResetAfter";
}

export function defineGRUResetAfter(tf: typeof tfjs): GRUResetAfterClass {
  type Tensor = tfjs.Tensor;
  type Initializer = ReturnType<typeof tf.initializers.zeros>;
  type Config = tfjs.serialization.ConfigDict;

  /** An initializer given as an object, as its `{ className, config }` (a loaded model's config), or the fallback. */
  const initializerOf = (value: unknown, fallback: () => Initializer): Initializer => {
    if (value != null && typeof (value as { apply?: unknown }).apply === "function") return value as Initializer;
    const spec = value as { className?: string; config?: Config } | null | undefined;
    if (spec != null && typeof spec.className === "string") {
      const registered = tf.serialization.SerializationMap.getMap().classNameMap[spec.className];
      if (registered != null) {
        const [cls, fromConfig] = registered as unknown as [unknown, (cls: unknown, config: Config) => Initializer];
        return fromConfig(cls, spec.config ?? {});
      }
    }
    return fallback();
  };
  const serialized = (init: Initializer): Config => ({ className: init.getClassName(), config: init.getConfig() });

  const ACTIVATIONS: Record<string, (x: Tensor) => Tensor> = {
    tanh: (x) => tf.tanh(x),
    sigmoid: (x) => tf.sigmoid(x),
    relu: (x) => tf.relu(x),
    elu: (x) => tf.elu(x),
    softplus: (x) => tf.softplus(x),
    softmax: (x) => tf.softmax(x),
    linear: (x) => x,
  };

  class GRUResetAfterCell extends tf.layers.Layer {
    static className = "GRUResetAfterCell";
    readonly units: number;
    readonly stateSize: number;
    readonly activation: string;
    readonly dropout: number;
    readonly kernelInitializer: Initializer;
    readonly recurrentInitializer: Initializer;
    readonly biasInitializer: Initializer;
    dropoutMask: Tensor | null = null;
    private kernel: tfjs.LayerVariable | null = null;
    private recurrentKernel: tfjs.LayerVariable | null = null;
    private bias: tfjs.LayerVariable | null = null;

    constructor(config: GRUResetAfterConfig) {
      super({ name: config.name === undefined ? undefined : `${config.name}_cell` });
      if (!Number.isInteger(config.units) || config.units <= 0) throw new Error(`GRUResetAfter: units must be a positive integer, got ${config.units}`);
      this.units = config.units;
      this.stateSize = config.units;
      this.activation = config.activation ?? "tanh";
      if (!(this.activation in ACTIVATIONS)) throw new Error(`GRUResetAfter: unknown activation "${this.activation}"`);
      this.dropout = Math.min(1, Math.max(0, config.dropout ?? 0));
      this.kernelInitializer = initializerOf(config.kernelInitializer, () => tf.initializers.glorotUniform({}));
      this.recurrentInitializer = initializerOf(config.recurrentInitializer, () => tf.initializers.orthogonal({}));
      this.biasInitializer = initializerOf(config.biasInitializer, () => tf.initializers.zeros());
    }

    override build(inputShape: tfjs.Shape | tfjs.Shape[]): void {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfjs.Shape;
      const features = shape[shape.length - 1] as number;
      const u = this.units;
      this.kernel = this.addWeight("kernel", [features, 3 * u], "float32", this.kernelInitializer);
      this.recurrentKernel = this.addWeight("recurrent_kernel", [u, 3 * u], "float32", this.recurrentInitializer);
      this.bias = this.addWeight("bias", [2, 3 * u], "float32", this.biasInitializer);
      this.built = true;
    }

    override call(inputs: Tensor | Tensor[], kwargs: Record<string, unknown>): Tensor[] {
      return tf.tidy(() => {
        const list = inputs as Tensor[];
        if (list.length !== 2) throw new Error(`GRUResetAfterCell expects 2 input tensors (inputs, h), got ${list.length}`);
        let x = list[0] as tfjs.Tensor2D;
        const hPrev = list[1] as tfjs.Tensor2D;
        const training = kwargs?.["training"] === true;
        if (0 < this.dropout && this.dropout < 1 && training) {
          if (this.dropoutMask == null) this.dropoutMask = tf.keep(tf.dropout(tf.onesLike(x), this.dropout));
          x = tf.mul(x, this.dropoutMask) as tfjs.Tensor2D;
        }
        const u = this.units;
        const [inputBias, recurrentBias] = tf.unstack(this.bias!.read(), 0);
        const matrixX = tf.add(tf.matMul(x, this.kernel!.read() as tfjs.Tensor2D), inputBias);
        const matrixH = tf.add(tf.matMul(hPrev, this.recurrentKernel!.read() as tfjs.Tensor2D), recurrentBias);
        const [xZ, xR, xH] = tf.split(matrixX, [u, u, u], 1);
        const [hZ, hR, hH] = tf.split(matrixH, [u, u, u], 1);
        const z = tf.sigmoid(tf.add(xZ, hZ));
        const r = tf.sigmoid(tf.add(xR, hR));
        const candidate = ACTIVATIONS[this.activation](tf.add(xH, tf.mul(r, hH)));
        const h = tf.add(tf.mul(z, hPrev), tf.mul(tf.sub(1, z), candidate));
        return [h, h];
      });
    }

    override getConfig(): Config {
      return {
        ...super.getConfig(),
        units: this.units,
        activation: this.activation,
        recurrentActivation: "sigmoid",
        useBias: true,
        resetAfter: true,
        dropout: this.dropout,
        kernelInitializer: serialized(this.kernelInitializer),
        recurrentInitializer: serialized(this.recurrentInitializer),
        biasInitializer: serialized(this.biasInitializer),
      };
    }
  }

  // tfjs exports its RNN layer class (the base of its GRU); its typings omit `cell`.
  const RNN = tf.RNN as unknown as new (args: Record<string, unknown>) => tfjs.layers.Layer;

  class GRUResetAfter extends RNN {
    static className = "GRUResetAfter" as const;

    constructor(config: GRUResetAfterConfig) {
      super({ ...config, cell: new GRUResetAfterCell(config) });
    }

    private get gruCell(): GRUResetAfterCell {
      return (this as unknown as { cell: GRUResetAfterCell }).cell;
    }

    override call(inputs: Tensor | Tensor[], kwargs: Record<string, unknown>): Tensor | Tensor[] {
      return tf.tidy(() => {
        const cell = this.gruCell;
        if (cell.dropoutMask != null) {
          tf.dispose(cell.dropoutMask);
          cell.dropoutMask = null;
        }
        const mask = kwargs == null ? null : kwargs["mask"];
        const training = kwargs == null ? null : kwargs["training"];
        const initialState = kwargs == null ? null : kwargs["initialState"];
        return super.call(inputs, { mask, training, initialState });
      });
    }

    /** Like tfjs's GRU: the cell's settings are the layer's, and the cell is built again from them. */
    static fromConfig<T extends tfjs.serialization.Serializable>(cls: tfjs.serialization.SerializableConstructor<T>, config: Config): T {
      const rest = { ...config };
      delete rest["cell"];
      return new cls(rest);
    }
  }
  return GRUResetAfter;
}
