// com.microsoft QLinearAveragePool: dequantize, average in float (the float AveragePool's
// geometry: pads, strides, ceil_mode, count_include_pad), quantize — as ONNX Runtime does.
// Also ai.octet QLinearAveragePool (fused DQ → AveragePool → Q).

import type { OpConfig, OpContext } from '../../op-registry.js';
import { makeTensor, sizeOf } from '../../tensor.js';
import { averagePoolConfig } from '../pool-family.js';
import { qRange, quantizeValue, scalarParam } from './quant-params.js';

export const qLinearAveragePoolConfig: OpConfig = {
  opType: 'QLinearAveragePool',
  domain: 'com.microsoft',
  minOpset: 1,
  maxOpset: 1,
  prepare(ctx) {
    const x = ctx.input(0);
    if (x.dtype !== 'uint8' && x.dtype !== 'int8') ctx.fail(`X must be uint8 or int8, got ${x.dtype}`);
    if (ctx.attrs.int('channels_last', 0) !== 0) ctx.fail('channels_last = 1 is not supported');
    const sx = Math.fround(scalarParam(ctx, 1, 'x_scale'));
    const zx = scalarParam(ctx, 2, 'x_zero_point');
    const sy = Math.fround(scalarParam(ctx, 3, 'y_scale'));
    const zy = scalarParam(ctx, 4, 'y_zero_point');
    // The float AveragePool prepared on a view of this context where X is float32.
    const floatCtx: OpContext = {
      get node() {
        return ctx.node;
      },
      opset: 19,
      attrs: ctx.attrs,
      inputCount: 1,
      hasInput: (i) => i === 0,
      input: (i) => (i === 0 ? { dtype: 'float32', dims: x.dims } : ctx.input(i)),
      constant: () => undefined,
      value: (i) => ctx.value(i),
      cache: ctx.cache,
      workspace: (key, dtype, length) => ctx.workspace(`pool:${key}`, dtype, length),
      kernels: undefined,
      scratchPtr: (key, bytes) => ctx.scratchPtr(`pool:${key}`, bytes),
      constantPtr: (i) => ctx.constantPtr(i),
      onDispose: (fn) => ctx.onDispose(fn),
      fail: (m) => ctx.fail(m),
    };
    const pool = averagePoolConfig.prepare(floatCtx);
    const outDims = pool.outputs[0].dims;
    const xf = makeTensor('float32', x.dims, ctx.workspace('xf', 'float32', sizeOf(x.dims)));
    const yf = makeTensor('float32', outDims, ctx.workspace('yf', 'float32', sizeOf(outDims)));
    const [qmin, qmax] = qRange(x.dtype);
    return {
      outputs: [{ dtype: x.dtype, dims: outDims }],
      run(inputs, outputs) {
        const xd = inputs[0].data as Uint8Array;
        const xfd = xf.data as Float32Array;
        for (let i = 0; i < xd.length; i++) xfd[i] = Math.fround(xd[i] - zx) * sx;
        pool.run([xf], [yf]);
        const yfd = yf.data as Float32Array;
        const yd = outputs[0].data;
        for (let i = 0; i < yfd.length; i++) yd[i] = quantizeValue(yfd[i], sy, zy, qmin, qmax);
      },
    };
  },
};
