/** A host tensor as onnxruntime-common returns it: element type name, data and dims. */
export interface HostTensor {
  type: string;
  data: Float32Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Float64Array | Uint16Array | Int16Array | boolean[] | unknown;
  dims: readonly number[];
}

export type Feeds = Record<string, HostTensor>;

/**
 * What calibration and sensitivity need from an inference engine: run a model and observe named
 * intermediate tensors. Implemented over any onnxruntime-common session (onnxruntime-node/-web,
 * or Octet's runtime registered as an onnxruntime-common backend).
 */
export interface ModelExecutor {
  /** Compile `model` so that `observe` (intermediate tensor names) can be read on every run. */
  open(model: Uint8Array, observe: readonly string[], opts?: OpenOptions): Promise<ExecutorSession>;
  /** Element types ('float32', 'int64', …) of the named tensors, without running the model. */
  describe?(model: Uint8Array, names: readonly string[]): Promise<Map<string, string>>;
}

export interface OpenOptions {
  /**
   * Compute exactly what the graph says (no engine rewrites such as operator fusion), as ONNX
   * Runtime's own calibrator does; calibration asks for it so ranges match the reference tool.
   */
  exact?: boolean;
}

export interface ExecutorSession {
  readonly inputNames: readonly string[];
  /** Runs one batch; returns the observed tensors plus the model's outputs. */
  run(feeds: Feeds): Promise<Record<string, HostTensor>>;
  dispose(): Promise<void>;
}

/** Runs `model` once per feed set on a fresh session of `executor`, also returning the `observe`d tensors. */
export async function runAll(executor: ModelExecutor, model: Uint8Array, observe: string[], feeds: Feeds[]): Promise<Record<string, HostTensor>[]> {
  const s = await executor.open(model, observe);
  try {
    const res: Record<string, HostTensor>[] = [];
    for (const f of feeds) res.push(await s.run(f));
    return res;
  } finally {
    await s.dispose();
  }
}
