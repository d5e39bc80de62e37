// Factory for com.microsoft QLinearAdd / QLinearMul (broadcasting), with ONNX Runtime's MLAS
// float formulas:
//   add: C = round(sA/sC·a + sB/sC·b + (zC − (sA/sC·zA + sB/sC·zB)))
//   mul: C = round((a − zA)(b − zB)·(sA·sB/sC)) + zC
// Also registered as ai.octet QLinearAdd / QLinearMul, the fused DQ → Add/Mul → Q.

import type { OpConfig } from '../../op-registry.js';
import { broadcastBinary, planBroadcast } from '../broadcast.js';
import { qRange, roundHalfEven, scalarParam } from './quant-params.js';

export function qlinearBinary(opType: 'QLinearAdd' | 'QLinearMul'): OpConfig {
  return {
    opType,
    domain: 'com.microsoft',
    minOpset: 1,
    maxOpset: 1,
    prepare(ctx) {
      const a = ctx.input(0);
      const b = ctx.input(3);
      if (a.dtype !== 'uint8' && a.dtype !== 'int8') ctx.fail(`A must be uint8 or int8, got ${a.dtype}`);
      if (b.dtype !== a.dtype) ctx.fail(`B is ${b.dtype}, A is ${a.dtype}`);
      const sa = Math.fround(scalarParam(ctx, 1, 'A_scale'));
      const za = scalarParam(ctx, 2, 'A_zero_point');
      const sb = Math.fround(scalarParam(ctx, 4, 'B_scale'));
      const zb = scalarParam(ctx, 5, 'B_zero_point');
      const sc = Math.fround(scalarParam(ctx, 6, 'C_scale'));
      const zc = scalarParam(ctx, 7, 'C_zero_point');
      const [qmin, qmax] = qRange(a.dtype);
      const clamp = (v: number) => (v < qmin ? qmin : v > qmax ? qmax : v);
      let fn: (x: number, y: number) => number;
      if (opType === 'QLinearAdd') {
        const rA = Math.fround(sa / sc);
        const rB = Math.fround(sb / sc);
        const fixed = Math.fround(zc - Math.fround(Math.fround(rA * za) + Math.fround(rB * zb)));
        fn = (x, y) => clamp(roundHalfEven(Math.fround(Math.fround(Math.fround(rA * x) + Math.fround(rB * y)) + fixed)));
      } else {
        const mult = Math.fround(Math.fround(sa * sb) / sc);
        fn = (x, y) => clamp(roundHalfEven(Math.fround((x - za) * (y - zb) * mult)) + zc);
      }
      const plan = planBroadcast([a.dims, b.dims]);
      return {
        outputs: [{ dtype: a.dtype, dims: plan.outDims }],
        run(inputs, outputs) {
          broadcastBinary(plan, inputs[0].data, inputs[3].data, outputs[0].data, fn);
        },
      };
    },
  };
}

export const qLinearAddConfig = qlinearBinary('QLinearAdd');
export const qLinearMulConfig = qlinearBinary('QLinearMul');
