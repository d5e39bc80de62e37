import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { sizeOf } from '../tensor.js';

// Inference form: Y = (X − mean) / sqrt(var + ε) · scale + B, per channel (axis 1).
export const batchNormalizationConfig: OpConfig = {
  opType: 'BatchNormalization',
  domain: '',
  minOpset: 6,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const x = ctx.input(0);
    if (x.dtype !== 'float32' && x.dtype !== 'float64') ctx.fail(`${x.dtype} input is not supported`);
    if (ctx.opset >= 14 && ctx.attrs.int('training_mode', 0) !== 0) ctx.fail('training_mode=1 is not supported (inference runtime)');
    if (ctx.opset < 9 && ctx.attrs.int('spatial', 1) !== 1) ctx.fail('spatial=0 is not supported');
    const eps = ctx.attrs.float('epsilon', 1e-5);
    const c = x.dims.length > 1 ? x.dims[1] : 1;
    const plane = sizeOf(x.dims.slice(2));
    const batch = x.dims[0];
    const mul = new Float64Array(c);
    const add = new Float64Array(c);
    return {
      outputs: [x],
      run(inputs, outputs) {
        const X = inputs[0].data as Float32Array;
        const scale = inputs[1].data as Float32Array;
        const bias = inputs[2].data as Float32Array;
        const mean = inputs[3].data as Float32Array;
        const variance = inputs[4].data as Float32Array;
        const Y = outputs[0].data as Float32Array;
        for (let ch = 0; ch < c; ch++) {
          mul[ch] = scale[ch] / Math.sqrt(variance[ch] + eps);
          add[ch] = bias[ch] - mean[ch] * mul[ch];
        }
        for (let b = 0; b < batch; b++) {
          for (let ch = 0; ch < c; ch++) {
            const base = (b * c + ch) * plane;
            const m = mul[ch];
            const a = add[ch];
            for (let p = 0; p < plane; p++) Y[base + p] = X[base + p] * m + a;
          }
        }
      },
    };
  },
};
