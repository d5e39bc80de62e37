import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { normalizeAxis, stridesOf } from '../shape-utils.js';
import { sizeOf, toNumbers } from '../tensor.js';
import { requireIntegers } from '../shape-checks.js';

export const sliceConfig: OpConfig = {
  opType: 'Slice',
  domain: '',
  minOpset: 1,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const x = ctx.input(0);
    const r = x.dims.length;
    let starts: number[], ends: number[], axes: number[], steps: number[];
    if (ctx.opset < 10) {
      starts = [...ctx.attrs.ints('starts')];
      ends = [...ctx.attrs.ints('ends')];
      axes = ctx.attrs.has('axes') ? [...ctx.attrs.ints('axes')] : starts.map((_, i) => i);
      steps = starts.map(() => 1);
    } else {
      starts = toNumbers(ctx.value(1));
      ends = toNumbers(ctx.value(2));
      axes = ctx.hasInput(3) ? toNumbers(ctx.value(3)) : starts.map((_, i) => i);
      steps = ctx.hasInput(4) ? toNumbers(ctx.value(4)) : starts.map(() => 1);
    }
    requireIntegers(ctx, { starts, ends, axes, steps }, { length: axes.length });
    const begin = new Array<number>(r).fill(0);
    const step = new Array<number>(r).fill(1);
    const dims = [...x.dims];
    axes.forEach((a0, k) => {
      const a = normalizeAxis(a0, r);
      const d = x.dims[a];
      const st = steps[k];
      if (st === 0) ctx.fail('slice step cannot be 0');
      let s = starts[k];
      let e = ends[k];
      if (s < 0) s += d;
      if (e < 0) e += d;
      if (st > 0) {
        s = Math.min(Math.max(s, 0), d);
        e = Math.min(Math.max(e, 0), d);
        dims[a] = Math.max(0, Math.ceil((e - s) / st));
      } else {
        s = Math.min(Math.max(s, 0), d - 1);
        e = Math.min(Math.max(e, -1), d - 1);
        dims[a] = Math.max(0, Math.ceil((e - s) / st));
      }
      begin[a] = s;
      step[a] = st;
    });
    const inStrides = stridesOf(x.dims);
    const src = inStrides.map((s, i) => s * step[i]);
    const base0 = begin.reduce((acc, b, i) => acc + b * inStrides[i], 0);
    const size = sizeOf(dims);
    const counter = new Int32Array(r);
    return {
      outputs: [{ dtype: x.dtype, dims }],
      run(inputs, outputs) {
        const a = inputs[0].data as Float32Array;
        const o = outputs[0].data as Float32Array;
        if (size === 0) return;
        if (r === 0) {
          o[0] = a[0];
          return;
        }
        const inner = dims[r - 1];
        const si = src[r - 1];
        counter.fill(0);
        let base = base0;
        for (let out = 0; out < size; out += inner) {
          let s = base;
          for (let j = 0; j < inner; j++, s += si) o[out + j] = a[s];
          for (let k = r - 2; k >= 0; k--) {
            counter[k]++;
            base += src[k];
            if (counter[k] < dims[k]) break;
            base -= src[k] * counter[k];
            counter[k] = 0;
          }
        }
      },
    };
  },
};
