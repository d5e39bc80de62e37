// A hand-built MLP and its float reference, in plain TypeScript (no kernels): the yardstick for
// the int8 path.

export interface DenseLayer {
  readonly inputs: number;
  readonly outputs: number;
  /** Row-major [inputs, outputs] (y = x · W + b). */
  readonly weights: Float32Array;
  readonly bias: Float32Array;
  readonly relu: boolean;
}

export interface Mlp {
  readonly layers: readonly DenseLayer[];
}

/** Deterministic PRNG (mulberry32), so the example and its test see the same model and data. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Approximately normal samples (sum of uniforms), enough for weights and inputs. */
function gaussian(rand: () => number): number {
  return rand() + rand() + rand() + rand() - 2;
}

/** An MLP with He-scaled random weights; `sizes` = [inputs, hidden…, outputs], ReLU between layers. */
export function buildMlp(sizes: readonly number[], seed = 7): Mlp {
  const rand = seededRandom(seed);
  const layers: DenseLayer[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inputs = sizes[l];
    const outputs = sizes[l + 1];
    const std = Math.sqrt(2 / inputs) / Math.sqrt(1 / 3); // gaussian() has variance 1/3
    const weights = Float32Array.from({ length: inputs * outputs }, () => gaussian(rand) * std);
    const bias = Float32Array.from({ length: outputs }, () => gaussian(rand) * 0.1);
    layers.push({ inputs, outputs, weights, bias, relu: l + 2 < sizes.length });
  }
  return { layers };
}

/** Random input rows [rows, features]. */
export function randomInputs(rows: number, features: number, seed = 11): Float32Array {
  const rand = seededRandom(seed);
  return Float32Array.from({ length: rows * features }, () => gaussian(rand) * 1.5);
}

/** One dense layer in float: [rows, inputs] → [rows, outputs]. */
export function denseFloat(layer: DenseLayer, x: Float32Array, rows: number): Float32Array {
  const { inputs, outputs, weights, bias, relu } = layer;
  const y = new Float32Array(rows * outputs);
  for (let m = 0; m < rows; m++) {
    for (let n = 0; n < outputs; n++) {
      let acc = bias[n];
      for (let k = 0; k < inputs; k++) acc += x[m * inputs + k] * weights[k * outputs + n];
      y[m * outputs + n] = relu && acc < 0 ? 0 : acc;
    }
  }
  return y;
}

/** Every layer's output in float (the last one is the model's output). */
export function runFloat(mlp: Mlp, x: Float32Array, rows: number): Float32Array[] {
  const outs: Float32Array[] = [];
  let cur = x;
  for (const layer of mlp.layers) {
    cur = denseFloat(layer, cur, rows);
    outs.push(cur);
  }
  return outs;
}

export function argmaxRows(y: Float32Array, rows: number, cols: number): Int32Array {
  const out = new Int32Array(rows);
  for (let m = 0; m < rows; m++) {
    let best = 0;
    for (let n = 1; n < cols; n++) if (y[m * cols + n] > y[m * cols + best]) best = n;
    out[m] = best;
  }
  return out;
}
