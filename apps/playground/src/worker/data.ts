// Input data for calibration and comparison: the bundled models' ONNX TensorProto files (decoded
// with @octet/onnx), or seeded random inputs shaped from a dropped model's input metadata.
import { decodeTensorProto, dtypeName, tensorDims, tensorValues } from '@octet/onnx';
import type { TensorValue, ValueMetadata } from '@octet/runtime-web';

export type Feeds = Record<string, TensorValue>;

export async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`fetching ${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** TensorProto bytes (a .pb file) as a runtime tensor; `file` names it in errors. */
export function tensorFromPb(bytes: Uint8Array, file: string): TensorValue {
  const proto = decodeTensorProto(bytes);
  const data = tensorValues(proto);
  if (Array.isArray(data)) throw new Error(`${file}: string tensors are not supported here`);
  return { type: dtypeName(proto.dataType) as TensorValue['type'], dims: tensorDims(proto), data };
}

/** A TensorProto file as a runtime tensor (first axis = samples). */
export async function fetchTensor(url: string): Promise<TensorValue> {
  return tensorFromPb(await fetchBytes(url), url);
}

/** Samples [start, start + count) along the first axis (a view, no copy). */
export function sliceSamples(t: TensorValue, start: number, count: number): TensorValue {
  const per = t.dims.slice(1).reduce((a, b) => a * b, 1);
  const n = Math.max(0, Math.min(count, t.dims[0]! - start));
  return { type: t.type, dims: [n, ...t.dims.slice(1)], data: t.data.subarray(start * per, (start + n) * per) as TensorValue['data'] };
}

export function sliceFeeds(feeds: Feeds, start: number, count: number): Feeds {
  return Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, sliceSamples(t, start, count)]));
}

/** mulberry32: a small seeded PRNG, so the same dropped model gets the same random data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` single-sample feeds of random inputs: symbolic dims become 1, floats are uniform in
 * [-1, 1), integer inputs (token ids, masks) are 0 or 1. Anything else is refused by name.
 */
export function randomFeeds(inputs: readonly ValueMetadata[], count: number, seed: number): Feeds[] {
  const rand = prng(seed);
  const out: Feeds[] = [];
  for (let s = 0; s < count; s++) {
    const feeds: Feeds = {};
    for (const input of inputs) {
      const dims = input.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
      const n = dims.reduce((a, b) => a * b, 1);
      switch (input.type) {
        case 'float32':
          feeds[input.name] = { type: 'float32', dims, data: Float32Array.from({ length: n }, () => rand() * 2 - 1) };
          break;
        case 'int64':
          feeds[input.name] = { type: 'int64', dims, data: BigInt64Array.from({ length: n }, () => BigInt(rand() < 0.5 ? 0 : 1)) };
          break;
        case 'int32':
          feeds[input.name] = { type: 'int32', dims, data: Int32Array.from({ length: n }, () => (rand() < 0.5 ? 0 : 1)) };
          break;
        default:
          throw new Error(`input '${input.name}' has type ${input.type}: the playground makes random data for float32, int32 and int64 inputs only`);
      }
    }
    out.push(feeds);
  }
  return out;
}
