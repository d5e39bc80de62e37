import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { sizeOf } from '../tensor.js';
import { gemmTS, transpose2d } from './gemm-ts.js';
import { requireDims, requireWindow } from '../shape-checks.js';

// ConvTranspose as GEMM (Wᵀ·X per group, K·M/g rows) followed by a col2im scatter (N-d).
export const convTransposeConfig: OpConfig = {
  opType: 'ConvTranspose',
  domain: '',
  minOpset: 1,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const x = ctx.input(0);
    const w = ctx.input(1);
    if (x.dtype !== 'float32') ctx.fail(`${x.dtype} ConvTranspose is not supported`);
    const [batch, c] = x.dims;
    const inSp = x.dims.slice(2);
    const r = inSp.length;
    const group = ctx.attrs.int('group', 1);
    const cg = c / group;
    if (w.dims[0] !== c || !Number.isInteger(cg)) ctx.fail(`weights [${w.dims.join(', ')}] do not match input channels ${c} with group ${group}`);
    const mg = w.dims[1];
    const m = mg * group;
    const kernel = ctx.attrs.has('kernel_shape') ? [...ctx.attrs.ints('kernel_shape')] : w.dims.slice(2);
    const a = ctx.attrs;
    const strides = a.has('strides') ? [...a.ints('strides')] : new Array<number>(r).fill(1);
    const dil = a.has('dilations') ? [...a.ints('dilations')] : new Array<number>(r).fill(1);
    const outPad = a.has('output_padding') ? [...a.ints('output_padding')] : new Array<number>(r).fill(0);
    const autoPad = a.string('auto_pad', 'NOTSET');
    let pads = a.has('pads') ? [...a.ints('pads')] : new Array<number>(2 * r).fill(0);
    requireWindow(ctx, r, { group: [group], kernel_shape: kernel, strides, dilations: dil, pads, output_padding: outPad });
    let outSp: number[];
    const full = inSp.map((d, i) => strides[i] * (d - 1) + outPad[i] + (kernel[i] - 1) * dil[i] + 1);
    let target: number[] | undefined = a.has('output_shape') ? [...a.ints('output_shape')] : undefined;
    if (target && target.length === r + 2) target = target.slice(2);
    if (!target && (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER')) target = inSp.map((d, i) => d * strides[i]);
    if (target) {
      const t = target;
      const total = full.map((f, i) => f - t[i]);
      const upper = autoPad === 'SAME_UPPER';
      pads = [
        ...total.map((tp) => (upper ? Math.floor(tp / 2) : tp - Math.floor(tp / 2))),
        ...total.map((tp) => (upper ? tp - Math.floor(tp / 2) : Math.floor(tp / 2))),
      ];
      outSp = [...t];
    } else {
      if (autoPad === 'VALID') pads = new Array<number>(2 * r).fill(0);
      outSp = full.map((f, i) => f - pads[i] - pads[i + r]);
    }
    requireDims(ctx, outSp, 'output_shape/pads');
    const inPlane = sizeOf(inSp);
    const outPlane = sizeOf(outSp);
    const kSize = sizeOf(kernel);
    const rows = mg * kSize;
    // Wᵀ per group: [mg·K, cg], packed once.
    const wT = ctx.workspace('wT', 'float32', group * rows * cg) as Float32Array;
    const col = ctx.workspace('col', 'float32', rows * inPlane) as Float32Array;
    // For each (kernel index, input position) the output offset, or -1 when it falls in padding.
    const scatter = ctx.workspace('scatter', 'int32', kSize * inPlane) as Int32Array;
    const kIdx = new Array<number>(r);
    const iIdx = new Array<number>(r);
    for (let kk = 0; kk < kSize; kk++) {
      let rem = kk;
      for (let i = r - 1; i >= 0; i--) {
        kIdx[i] = rem % kernel[i];
        rem = Math.floor(rem / kernel[i]);
      }
      for (let p = 0; p < inPlane; p++) {
        let prem = p;
        for (let i = r - 1; i >= 0; i--) {
          iIdx[i] = prem % inSp[i];
          prem = Math.floor(prem / inSp[i]);
        }
        let off = 0;
        let inside = true;
        for (let i = 0; i < r; i++) {
          const v = iIdx[i] * strides[i] - pads[i] + kIdx[i] * dil[i];
          if (v < 0 || v >= outSp[i]) {
            inside = false;
            break;
          }
          off = off * outSp[i] + v;
        }
        scatter[kk * inPlane + p] = inside ? off : -1;
      }
    }
    const hasBias = ctx.hasInput(2);
    let packedFor: Float32Array | undefined;
    return {
      outputs: [{ dtype: 'float32', dims: [batch, m, ...outSp] }],
      run(inputs, outputs) {
        const X = inputs[0].data as Float32Array;
        const W = inputs[1].data as Float32Array;
        const Y = outputs[0].data as Float32Array;
        if (packedFor !== W) {
          for (let g = 0; g < group; g++) transpose2d(W, g * cg * rows, cg, rows, wT, g * rows * cg);
          packedFor = W;
        }
        Y.fill(0);
        for (let b = 0; b < batch; b++) {
          for (let g = 0; g < group; g++) {
            gemmTS(rows, inPlane, cg, wT, g * rows * cg, cg, X, (b * c + g * cg) * inPlane, inPlane, col, 0, inPlane, false);
            for (let mo = 0; mo < mg; mo++) {
              const yBase = (b * m + g * mg + mo) * outPlane;
              for (let kk = 0; kk < kSize; kk++) {
                const cRow = (mo * kSize + kk) * inPlane;
                const sRow = kk * inPlane;
                for (let p = 0; p < inPlane; p++) {
                  const o = scatter[sRow + p];
                  if (o >= 0) Y[yBase + o] += col[cRow + p];
                }
              }
            }
          }
          if (hasBias) {
            const B = inputs[2].data as Float32Array;
            for (let o = 0; o < m; o++) for (let p = 0; p < outPlane; p++) Y[(b * m + o) * outPlane + p] += B[o];
          }
        }
      },
    };
  },
};
