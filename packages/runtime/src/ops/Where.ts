import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { broadcastEach, planBroadcast } from './broadcast.js';

export const whereConfig: OpConfig = {
  opType: 'Where',
  domain: '',
  minOpset: 9,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const c = ctx.input(0);
    const x = ctx.input(1);
    const y = ctx.input(2);
    if (x.dtype !== y.dtype) ctx.fail(`X is ${x.dtype}, Y is ${y.dtype}`);
    const plan = planBroadcast([c.dims, x.dims, y.dims]);
    let cd: Uint8Array, xd: Float32Array, yd: Float32Array, od: Float32Array;
    const visit = (i: number, off: Int32Array) => {
      od[i] = cd[off[0]] ? xd[off[1]] : yd[off[2]];
    };
    return {
      outputs: [{ dtype: x.dtype, dims: plan.outDims }],
      run(inputs, outputs) {
        cd = inputs[0].data as Uint8Array;
        xd = inputs[1].data as Float32Array;
        yd = inputs[2].data as Float32Array;
        od = outputs[0].data as Float32Array;
        broadcastEach(plan, visit);
      },
    };
  },
};
