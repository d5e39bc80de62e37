import { LATEST_OPSET } from '../op-names.js';
// Softmax and LogSoftmax. Opset < 13 coerces the input to 2-D at `axis` (default 1) and
// normalises over the flattened trailing block; opset ≥ 13 normalises along `axis` (default -1).

import type { OpConfig } from '../op-registry.js';
import { normalizeAxis } from '../shape-utils.js';
import { KeyedPlan, softmaxInto, type ChunkPlan } from '@octet/kernels';
import { sizeOf } from '../tensor.js';
import { inputPtr, outputPtr } from './wasm-ptr.js';

function softmaxOp(opType: string, log: boolean): OpConfig {
  return {
    opType,
    domain: '',
    minOpset: 1,
    maxOpset: LATEST_OPSET,
    prepare(ctx) {
      const x = ctx.input(0);
      if (x.dtype !== 'float32' && x.dtype !== 'float64') ctx.fail(`${x.dtype} input is not supported`);
      const r = x.dims.length;
      const modern = ctx.opset >= 13;
      const axis = normalizeAxis(ctx.attrs.int('axis', modern ? -1 : 1), r);
      // Normalise over n elements with stride `inner`, for `outer` × `inner` independent rows.
      const n = modern ? x.dims[axis] : sizeOf(x.dims.slice(axis));
      const inner = modern ? sizeOf(x.dims.slice(axis + 1)) : 1;
      const outer = sizeOf(x.dims.slice(0, axis));
      const kern = ctx.kernels;
      if (kern && x.dtype === 'float32' && inner === 1 && n > 0) {
        const xp = inputPtr(ctx, 0);
        const split = new KeyedPlan<ChunkPlan>();
        return { outputs: [x], run: (inputs, outputs) => softmaxInto(kern, xp(inputs[0]), outputPtr(outputs[0]), outer, n, log, split) };
      }
      return {
        outputs: [x],
        run(inputs, outputs) {
          const a = inputs[0].data as Float32Array;
          const o = outputs[0].data as Float32Array;
          for (let p = 0; p < outer; p++) {
            for (let q = 0; q < inner; q++) {
              const base = p * n * inner + q;
              let max = -Infinity;
              for (let k = 0; k < n; k++) {
                const v = a[base + k * inner];
                if (v > max) max = v;
              }
              let sum = 0;
              for (let k = 0; k < n; k++) {
                const e = Math.exp(a[base + k * inner] - max);
                sum += e;
                if (!log) o[base + k * inner] = e;
              }
              if (log) {
                const ls = Math.log(sum);
                for (let k = 0; k < n; k++) o[base + k * inner] = a[base + k * inner] - max - ls;
              } else {
                const inv = 1 / sum;
                for (let k = 0; k < n; k++) o[base + k * inner] *= inv;
              }
            }
          }
        },
      };
    },
  };
}

export const softmaxConfig = softmaxOp('Softmax', false);
export const logSoftmaxConfig = softmaxOp('LogSoftmax', true);
