import { LATEST_OPSET } from '../op-names.js';
// Factory for Reduce* ops: axes from the attribute (older opsets) or the second input (ReduceSum
// from 13, the others from 18); keepdims; noop_with_empty_axes.

import type { OpConfig } from '../op-registry.js';
import { normalizeAxis } from '../shape-utils.js';
import { sizeOf, toNumbers } from '../tensor.js';

export interface ReduceSpec {
  opType: string;
  /** First opset where axes is an input. */
  axesInputSince: number;
  init: number;
  step: (acc: number, x: number) => number;
  finish: (acc: number, count: number) => number;
}

export function reduceOp(spec: ReduceSpec): OpConfig {
  return {
    opType: spec.opType,
    domain: '',
    minOpset: 1,
    maxOpset: LATEST_OPSET,
    prepare(ctx) {
      const x = ctx.input(0);
      const r = x.dims.length;
      const keep = ctx.attrs.int('keepdims', 1) !== 0;
      let axes: number[] | undefined;
      if (ctx.opset >= spec.axesInputSince) {
        if (ctx.hasInput(1)) axes = toNumbers(ctx.value(1));
        if (axes !== undefined && axes.length === 0) axes = undefined;
        if (axes === undefined && ctx.attrs.int('noop_with_empty_axes', 0)) axes = [];
      } else if (ctx.attrs.has('axes')) axes = [...ctx.attrs.ints('axes')];
      const set = new Set((axes ?? x.dims.map((_, i) => i)).map((a) => normalizeAxis(a, r)));
      const reduced = x.dims.map((_, i) => set.has(i));
      const dims = keep ? x.dims.map((d, i) => (reduced[i] ? 1 : d)) : x.dims.filter((_, i) => !reduced[i]);
      const outSize = sizeOf(dims);
      const count = sizeOf(x.dims.filter((_, i) => reduced[i]));
      // Output index for each input element, computed once per plan.
      const map = ctx.workspace('reduce-map', 'int32', sizeOf(x.dims)) as Int32Array;
      const outStrides: number[] = new Array(r).fill(0);
      let acc = 1;
      for (let i = r - 1; i >= 0; i--) {
        if (!reduced[i]) {
          outStrides[i] = acc;
          acc *= x.dims[i];
        }
      }
      const counter = new Int32Array(r);
      for (let e = 0; e < map.length; e++) {
        let o = 0;
        for (let k = 0; k < r; k++) o += counter[k] * outStrides[k];
        map[e] = o;
        for (let k = r - 1; k >= 0; k--) {
          if (++counter[k] < x.dims[k]) break;
          counter[k] = 0;
        }
      }
      const isBig = x.dtype === 'int64' || x.dtype === 'uint64';
      const accum = ctx.workspace('reduce-acc', 'float64', outSize) as Float64Array;
      const { init, step, finish } = spec;
      return {
        outputs: [{ dtype: x.dtype, dims }],
        run(inputs, outputs) {
          const a = inputs[0].data;
          const o = outputs[0].data as Float32Array;
          accum.fill(init);
          if (isBig) for (let e = 0; e < a.length; e++) accum[map[e]] = step(accum[map[e]], Number(a[e]));
          else for (let e = 0; e < a.length; e++) accum[map[e]] = step(accum[map[e]], a[e] as number);
          if (isBig) for (let i = 0; i < outSize; i++) (o as unknown as BigInt64Array)[i] = BigInt(Math.trunc(finish(accum[i], count)));
          else for (let i = 0; i < outSize; i++) o[i] = finish(accum[i], count);
        },
      };
    },
  };
}
