// com.microsoft QLinearGlobalAveragePool (MLAS numerics): integer sum per channel, minus
// zx·HW, requantized with scale sx / (sy·HW). NCHW, or NHWC with channels_last = 1.
// Also ai.octet QLinearGlobalAveragePool (fused DQ → GlobalAveragePool → Q).

import type { OpConfig } from '../../op-registry.js';
import { sizeOf } from '../../tensor.js';
import { KeyedPlan, qlinearGlobalAveragePoolInto, type ChunkPlan } from '@octet/kernels';
import { inputPtr, outputPtr } from '../wasm-ptr.js';
import { qRange, requantize, scalarParam } from './quant-params.js';

export const qLinearGlobalAveragePoolConfig: OpConfig = {
  opType: 'QLinearGlobalAveragePool',
  domain: 'com.microsoft',
  minOpset: 1,
  maxOpset: 1,
  prepare(ctx) {
    const x = ctx.input(0);
    if (x.dtype !== 'uint8' && x.dtype !== 'int8') ctx.fail(`X must be uint8 or int8, got ${x.dtype}`);
    if (x.dims.length < 3) ctx.fail(`X must have rank ≥ 3, got ${x.dims.length}`);
    const channelsLast = ctx.attrs.int('channels_last', 0) !== 0;
    const N = x.dims[0];
    const C = channelsLast ? x.dims[x.dims.length - 1] : x.dims[1];
    const HW = channelsLast ? sizeOf(x.dims.slice(1, -1)) : sizeOf(x.dims.slice(2));
    const sx = Math.fround(scalarParam(ctx, 1, 'x_scale'));
    const zx = scalarParam(ctx, 2, 'x_zero_point');
    const sy = Math.fround(scalarParam(ctx, 3, 'y_scale'));
    const zy = scalarParam(ctx, 4, 'y_zero_point');
    const scale = Math.fround(sx / Math.fround(sy * HW));
    const bias = -zx * HW;
    const [qmin, qmax] = qRange(x.dtype);
    const dims = channelsLast ? [N, ...x.dims.slice(1, -1).map(() => 1), C] : [N, C, ...x.dims.slice(2).map(() => 1)];
    const k = ctx.kernels;
    // the kernel refuses scales MLAS refuses; the TypeScript loop below takes those
    if (k && HW < 0x1000000 && scale >= 2 ** -32 && scale < 256) {
      const xp = inputPtr(ctx, 0);
      const params = { signed: x.dtype === 'int8', xScale: sx, xZeroPoint: zx, yScale: sy, yZeroPoint: zy };
      const split = new KeyedPlan<ChunkPlan>();
      return {
        outputs: [{ dtype: x.dtype, dims }],
        run: (inputs, outputs) => qlinearGlobalAveragePoolInto(k, xp(inputs[0]), outputPtr(outputs[0]), N * C, HW, params, channelsLast, C, split),
      };
    }
    return {
      outputs: [{ dtype: x.dtype, dims }],
      run(inputs, outputs) {
        const xd = inputs[0].data as Uint8Array;
        const yd = outputs[0].data;
        for (let n = 0; n < N; n++) {
          for (let c = 0; c < C; c++) {
            let s = bias;
            if (channelsLast) for (let p = 0; p < HW; p++) s += xd[(n * HW + p) * C + c];
            else for (let p = 0, o = (n * C + c) * HW; p < HW; p++) s += xd[o + p];
            yd[n * C + c] = requantize(s, scale, zy, qmin, qmax);
          }
        }
      },
    };
  },
};
