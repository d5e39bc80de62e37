// Strided iteration for broadcasting element-wise ops, prepared once per plan: the output is
// walked as an outer odometer over leading axes and a tight inner loop over the last axis.

import { broadcastDims, broadcastStrides } from '../shape-utils.js';
import { sizeOf } from '../tensor.js';

export interface BroadcastPlan {
  readonly outDims: number[];
  readonly size: number;
  /** 'same': all inputs have the output's shape; 'general': use strides. */
  readonly mode: 'same' | 'general';
  readonly inner: number;
  readonly outerDims: number[];
  /** Per input: strides over outer axes, and the inner-axis stride. */
  readonly strides: number[][];
  readonly innerStrides: number[];
  /** Odometer scratch (no allocation per run). */
  readonly counter: Int32Array;
  readonly offsets: Int32Array;
  readonly base: Int32Array;
}

export function planBroadcast(shapes: readonly (readonly number[])[]): BroadcastPlan {
  const outDims = broadcastDims(...shapes);
  const size = sizeOf(outDims);
  const same = shapes.every((s) => sizeOf(s) === size);
  const r = outDims.length;
  const all = shapes.map((s) => broadcastStrides(s, outDims));
  const inner = r === 0 ? 1 : outDims[r - 1];
  return {
    outDims,
    size,
    mode: same ? 'same' : 'general',
    inner,
    outerDims: outDims.slice(0, Math.max(r - 1, 0)),
    strides: all.map((s) => s.slice(0, Math.max(r - 1, 0))),
    innerStrides: all.map((s) => (r === 0 ? 0 : s[r - 1])),
    counter: new Int32Array(Math.max(r - 1, 0)),
    offsets: new Int32Array(shapes.length),
    base: new Int32Array(shapes.length),
  };
}

type Arr = { [i: number]: any; length: number };

/** out[i] = fn(a[ia], b[ib]) over the broadcast output. */
export function broadcastBinary(p: BroadcastPlan, a: Arr, b: Arr, out: Arr, fn: (x: any, y: any) => any): void {
  if (p.mode === 'same') {
    for (let i = 0; i < p.size; i++) out[i] = fn(a[i], b[i]);
    return;
  }
  const { inner, outerDims, strides, innerStrides, counter } = p;
  const sa = innerStrides[0];
  const sb = innerStrides[1];
  const rank = outerDims.length;
  counter.fill(0);
  let oa = 0;
  let ob = 0;
  for (let o = 0; o < p.size; o += inner) {
    let ia = oa;
    let ib = ob;
    for (let j = 0; j < inner; j++) {
      out[o + j] = fn(a[ia], b[ib]);
      ia += sa;
      ib += sb;
    }
    for (let k = rank - 1; k >= 0; k--) {
      counter[k]++;
      oa += strides[0][k];
      ob += strides[1][k];
      if (counter[k] < outerDims[k]) break;
      oa -= strides[0][k] * counter[k];
      ob -= strides[1][k] * counter[k];
      counter[k] = 0;
    }
  }
}

/** Visits every output element with the flat index of each input (any number of inputs). */
export function broadcastEach(p: BroadcastPlan, visit: (outIndex: number, offsets: Int32Array) => void): void {
  const { inner, outerDims, strides, innerStrides, counter, offsets, base } = p;
  const n = offsets.length;
  const rank = outerDims.length;
  counter.fill(0);
  base.fill(0);
  for (let o = 0; o < p.size; o += inner) {
    for (let j = 0; j < inner; j++) {
      for (let t = 0; t < n; t++) offsets[t] = base[t] + j * innerStrides[t];
      visit(o + j, offsets);
    }
    for (let k = rank - 1; k >= 0; k--) {
      counter[k]++;
      for (let t = 0; t < n; t++) base[t] += strides[t][k];
      if (counter[k] < outerDims[k]) break;
      for (let t = 0; t < n; t++) base[t] -= strides[t][k] * counter[k];
      counter[k] = 0;
    }
  }
}
