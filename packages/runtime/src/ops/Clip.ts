import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { KeyedPlan, unaryInto, type ChunkPlan } from '@octet/kernels';
import { inputPtr, outputPtr } from './wasm-ptr.js';

// Opset ≤ 10: min/max attributes (float only). Opset ≥ 11: optional min/max inputs.
export const clipConfig: OpConfig = {
  opType: 'Clip',
  domain: '',
  minOpset: 1,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const x = ctx.input(0);
    let lo: number | bigint;
    let hi: number | bigint;
    const big = x.dtype === 'int64' || x.dtype === 'uint64';
    if (ctx.opset < 11) {
      lo = ctx.attrs.float('min', -3.4028234663852886e38);
      hi = ctx.attrs.float('max', 3.4028234663852886e38);
    } else {
      const isFloat = x.dtype === 'float32' || x.dtype === 'float64';
      lo = ctx.hasInput(1) ? (ctx.value(1).data[0] as number | bigint) : isFloat ? -Infinity : big ? -(2n ** 63n) : -Infinity;
      hi = ctx.hasInput(2) ? (ctx.value(2).data[0] as number | bigint) : isFloat ? Infinity : big ? 2n ** 64n : Infinity;
    }
    const l = lo as number;
    const h = hi as number;
    const kern = ctx.kernels;
    if (kern && x.dtype === 'float32' && l <= h) {
      const xp = inputPtr(ctx, 0);
      const n = x.dims.reduce((a, b) => a * b, 1);
      const split = new KeyedPlan<ChunkPlan>();
      return { outputs: [x], run: (inputs, outputs) => unaryInto(kern, 'clip', xp(inputs[0]), outputPtr(outputs[0]), n, l, h, split) };
    }
    return {
      outputs: [x],
      run(inputs, outputs) {
        const a = inputs[0].data as Float32Array;
        const o = outputs[0].data as Float32Array;
        for (let i = 0; i < a.length; i++) {
          const v = a[i];
          // max wins when min > max (ONNX semantics)
          o[i] = v > h ? h : v < l ? (l > h ? h : l) : v;
        }
      },
    };
  },
};
