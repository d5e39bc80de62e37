import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { normalizeAxis } from '../shape-utils.js';
import { layerNormInto } from '@octet/kernels';
import { sizeOf } from '../tensor.js';
import { inputPtr, outputPtr } from './wasm-ptr.js';

// Y = (X − mean) / sqrt(var + ε) · scale + bias over the axes from `axis` to the end;
// optional outputs Mean and InvStdDev (shape: X's with normalised axes set to 1).
export const layerNormalizationConfig: OpConfig = {
  opType: 'LayerNormalization',
  domain: '',
  minOpset: 17,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const x = ctx.input(0);
    if (x.dtype !== 'float32' && x.dtype !== 'float64') ctx.fail(`${x.dtype} input is not supported`);
    const r = x.dims.length;
    const axis = normalizeAxis(ctx.attrs.int('axis', -1), r);
    const eps = ctx.attrs.float('epsilon', 1e-5);
    const n = sizeOf(x.dims.slice(axis));
    const rows = sizeOf(x.dims.slice(0, axis));
    const scaleDims = ctx.input(1).dims;
    const scaleSize = sizeOf(scaleDims);
    const hasBias = ctx.hasInput(2);
    const biasSize = hasBias ? sizeOf(ctx.input(2).dims) : 0;
    // Scale/bias broadcast to the normalised block; full-size (n) is the common case.
    if (n % Math.max(scaleSize, 1) !== 0 || (hasBias && n % Math.max(biasSize, 1) !== 0)) {
      ctx.fail(`scale [${scaleDims.join(', ')}] does not broadcast to the normalised shape [${x.dims.slice(axis).join(', ')}]`);
    }
    const statDims = x.dims.map((d, i) => (i < axis ? d : 1));
    const stash = ctx.attrs.int('stash_type', 1);
    const statType = stash === 1 ? 'float32' : x.dtype;
    const kern = ctx.kernels;
    if (kern && x.dtype === 'float32' && scaleSize === n && (!hasBias || biasSize === n)) {
      const xp = inputPtr(ctx, 0);
      const sp = inputPtr(ctx, 1);
      const bp = hasBias ? inputPtr(ctx, 2) : undefined;
      return {
        outputs: [x, { dtype: 'float32', dims: statDims }, { dtype: 'float32', dims: statDims }],
        run: (inputs, outputs) =>
          layerNormInto(kern, {
            x: xp(inputs[0]),
            y: outputPtr(outputs[0]),
            rows,
            n,
            gamma: sp(inputs[1]),
            beta: bp ? bp(inputs[2]) : 0,
            epsilon: eps,
            mean: outputs[1] ? outputPtr(outputs[1]) : 0,
            invStdDev: outputs[2] ? outputPtr(outputs[2]) : 0,
          }),
      };
    }
    return {
      outputs: [x, { dtype: statType, dims: statDims }, { dtype: statType, dims: statDims }],
      run(inputs, outputs) {
        const a = inputs[0].data as Float32Array;
        const s = inputs[1].data as Float32Array;
        const b = hasBias ? (inputs[2].data as Float32Array) : undefined;
        const o = outputs[0].data as Float32Array;
        const meanOut = outputs[1]?.data as Float32Array | undefined;
        const invOut = outputs[2]?.data as Float32Array | undefined;
        for (let row = 0; row < rows; row++) {
          const base = row * n;
          let mean = 0;
          for (let k = 0; k < n; k++) mean += a[base + k];
          mean /= n;
          let v = 0;
          for (let k = 0; k < n; k++) {
            const d = a[base + k] - mean;
            v += d * d;
          }
          const inv = 1 / Math.sqrt(v / n + eps);
          if (meanOut) meanOut[row] = mean;
          if (invOut) invOut[row] = inv;
          if (b) for (let k = 0; k < n; k++) o[base + k] = (a[base + k] - mean) * inv * s[k % scaleSize] + b[k % biasSize];
          else for (let k = 0; k < n; k++) o[base + k] = (a[base + k] - mean) * inv * s[k % scaleSize];
        }
      },
    };
  },
};
