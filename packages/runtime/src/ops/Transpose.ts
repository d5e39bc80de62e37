import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { stridesOf } from '../shape-utils.js';
import { bytesPerElement, sizeOf } from '../tensor.js';
import { copyWords, wordsOf, wordsPerElement } from './words.js';

export const transposeConfig: OpConfig = {
  opType: 'Transpose',
  domain: '',
  minOpset: 1,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const x = ctx.input(0);
    const r = x.dims.length;
    const perm = ctx.attrs.has('perm') ? [...ctx.attrs.ints('perm')] : x.dims.map((_, i) => r - 1 - i);
    if (perm.length !== r || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) ctx.fail(`invalid perm [${perm.join(', ')}] for rank ${r}`);
    const dims = perm.map((p) => x.dims[p]);
    const inStrides = stridesOf(x.dims);
    // Source stride for each output axis; walk the output in order with an odometer.
    const src = perm.map((p) => inStrides[p]);
    const size = sizeOf(dims);
    const counter = new Int32Array(r);
    const inner = r > 0 ? dims[r - 1] : 1;
    const innerStride = r > 0 ? src[r - 1] : 0;
    const w = wordsPerElement(bytesPerElement(x.dtype));
    // The last axis stays last (e.g. [B,T,H,D] → [B,H,T,D]): copy whole rows of it.
    const rows = r > 0 && perm[r - 1] === r - 1;
    return {
      outputs: [{ dtype: x.dtype, dims }],
      run(inputs, outputs) {
        if (rows || w === 2) {
          const a = wordsOf(inputs[0].data);
          const o = wordsOf(outputs[0].data);
          counter.fill(0);
          let base = 0;
          for (let out = 0; out < size; out += inner) {
            if (rows) copyWords(a, base * w, o, out * w, inner * w);
            else for (let j = 0, s = base; j < inner; j++, s += innerStride) {
              o[2 * (out + j)] = a[2 * s];
              o[2 * (out + j) + 1] = a[2 * s + 1];
            }
            for (let k = r - 2; k >= 0; k--) {
              counter[k]++;
              base += src[k];
              if (counter[k] < dims[k]) break;
              base -= src[k] * counter[k];
              counter[k] = 0;
            }
          }
          return;
        }
        const a = inputs[0].data as Float32Array;
        const o = outputs[0].data as Float32Array;
        if (r === 0) {
          o[0] = a[0];
          return;
        }
        counter.fill(0);
        let base = 0;
        for (let out = 0; out < size; out += inner) {
          let s = base;
          for (let j = 0; j < inner; j++, s += innerStride) o[out + j] = a[s];
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
