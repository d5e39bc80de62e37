import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig, OpContext, PreparedOp } from '../op-registry.js';
import { sizeOf } from '../tensor.js';
import { convGeometry, type ConvGeometry } from './conv-geometry.js';
import { createConv2d, type Conv2d } from '@octet/kernels';
import { gemmTS } from './gemm-ts.js';
import { inputPtr, outputPtr } from './wasm-ptr.js';
import { requireGroup } from '../shape-checks.js';

// Conv as im2col + GEMM per group (N-d), with a direct loop for depthwise 2-D and no im2col at
// all for 1×1 stride-1 unpadded convolutions.
export const convConfig: OpConfig = {
  opType: 'Conv',
  domain: '',
  minOpset: 1,
  maxOpset: LATEST_OPSET,
  prepare: (ctx) => prepareConv(ctx),
};

/** Conv with a fused output clamp ([0, ∞) for Relu, [min, max] for Clip): com.microsoft FusedConv. */
export function prepareConv(ctx: OpContext, clamp?: readonly [number, number]): PreparedOp {
  const x = ctx.input(0);
  const w = ctx.input(1);
  if (x.dtype !== 'float32') ctx.fail(`${x.dtype} Conv is not supported (use ConvInteger / QLinearConv)`);
  const [batch, c] = x.dims;
  const m = w.dims[0];
  const group = ctx.attrs.int('group', 1);
  requireGroup(ctx, group);
  const cg = c / group;
  if (!Number.isInteger(cg) || w.dims[1] !== cg || m % group !== 0) {
    ctx.fail(`weights [${w.dims.join(', ')}] do not match input channels ${c} with group ${group}`);
  }
  const kernel = ctx.attrs.has('kernel_shape') ? [...ctx.attrs.ints('kernel_shape')] : w.dims.slice(2);
  const geo = convGeometry(ctx, x.dims.slice(2), kernel);
  const mg = m / group;
  const ck = cg * sizeOf(kernel);
  const inPlane = sizeOf(geo.inSpatial);
  const outPlane = sizeOf(geo.outSpatial);
  const pointwise = kernel.every((k) => k === 1) && geo.strides.every((s) => s === 1) && geo.padBegin.every((p) => p === 0) && geo.padEnd.every((p) => p === 0);
  const depthwise2d = geo.inSpatial.length === 2 && cg === 1 && mg === 1;
  const hasBias = ctx.hasInput(2);
  const kern = ctx.kernels;
  const constW = ctx.constant(1);
  const constB = hasBias ? ctx.constant(2) : undefined;
  const sp = geo.inSpatial.length;
  if (kern && constW && (!hasBias || constB) && (sp === 1 || sp === 2)) {
    // 1-D convolutions run as H = 1.
    const two = <T>(v: T[], one: T): [T, T] => (sp === 2 ? [v[0], v[1]] : [one, v[0]]);
    const key = 'conv2d';
    let conv = ctx.cache.get(key) as Conv2d | undefined;
    if (!conv) {
      const [pt, pl] = two(geo.padBegin, 0);
      const [pb, pr] = two(geo.padEnd, 0);
      conv = createConv2d(kern, {
        C: c,
        OC: m,
        kernel: two(kernel, 1),
        strides: two(geo.strides, 1),
        dilations: two(geo.dilations, 1),
        pads: [pt, pl, pb, pr],
        group,
        weights: constW.data as Float32Array,
        bias: constB ? (constB.data as Float32Array) : null,
        clamp,
        inputSize: two(geo.inSpatial, 1),
      });
      ctx.cache.set(key, conv);
      const cv = conv;
      ctx.onDispose(() => cv.dispose());
    }
    const cv = conv;
    const [H, W] = two(geo.inSpatial, 1);
    const bytes = cv.scratchBytes(H, W);
    const scratch = ctx.scratchPtr('conv2d', bytes);
    // one scratch region per extra thread: the kernel then splits output channels across the pool
    const threadScratch = Array.from({ length: (kern.pool?.size ?? 1) - 1 }, (_, t) => ctx.scratchPtr(`conv2d-t${t + 1}`, bytes));
    const xp = inputPtr(ctx, 0);
    return {
      outputs: [{ dtype: 'float32', dims: [batch, m, ...geo.outSpatial] }],
      run: (inputs, outputs) => cv.runInto(xp(inputs[0]), outputPtr(outputs[0]), batch, H, W, scratch, threadScratch),
    };
  }
  const col = pointwise || depthwise2d ? undefined : (ctx.workspace('im2col', 'float32', ck * outPlane) as Float32Array);
  return {
    outputs: [{ dtype: 'float32', dims: [batch, m, ...geo.outSpatial] }],
    run(inputs, outputs) {
      const X = inputs[0].data as Float32Array;
      const W = inputs[1].data as Float32Array;
      const Y = outputs[0].data as Float32Array;
      for (let b = 0; b < batch; b++) {
        if (depthwise2d) {
          depthwise(X, b * c * inPlane, W, Y, b * m * outPlane, c, geo);
        } else {
          for (let g = 0; g < group; g++) {
            const xOff = (b * c + g * cg) * inPlane;
            const yOff = (b * m + g * mg) * outPlane;
            if (pointwise) {
              gemmTS(mg, outPlane, cg, W, g * mg * ck, ck, X, xOff, inPlane, Y, yOff, outPlane, false);
            } else {
              im2col(X, xOff, cg, geo, col!);
              gemmTS(mg, outPlane, ck, W, g * mg * ck, ck, col!, 0, outPlane, Y, yOff, outPlane, false);
            }
          }
        }
        if (hasBias) {
          const B = inputs[2].data as Float32Array;
          for (let o = 0; o < m; o++) {
            const base = (b * m + o) * outPlane;
            const bv = B[o];
            for (let p = 0; p < outPlane; p++) Y[base + p] += bv;
          }
        }
      }
      if (clamp) {
        const [lo, hi] = clamp;
        for (let i = 0; i < Y.length; i++) Y[i] = Y[i] < lo ? lo : Y[i] > hi ? hi : Y[i];
      }
    },
  };
}

/** col[(c·K + kidx), p] = X[c, pos(p, kidx)] or 0 in the padding (N-d). */
export function im2col(X: Float32Array, xOff: number, channels: number, geo: ConvGeometry, col: Float32Array): void {
  const { kernel, strides, dilations, padBegin, inSpatial, outSpatial } = geo;
  const r = kernel.length;
  const inPlane = sizeOf(inSpatial);
  const outPlane = sizeOf(outSpatial);
  const kSize = sizeOf(kernel);
  if (r === 2) {
    const [kh, kw] = kernel;
    const [sh, sw] = strides;
    const [dh, dw] = dilations;
    const [ph, pw] = padBegin;
    const [ih, iw] = inSpatial;
    const [oh, ow] = outSpatial;
    let row = 0;
    for (let ch = 0; ch < channels; ch++) {
      const xc = xOff + ch * inPlane;
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++, row++) {
          const dst = row * outPlane;
          for (let y = 0; y < oh; y++) {
            const iy = y * sh - ph + ky * dh;
            const d = dst + y * ow;
            if (iy < 0 || iy >= ih) {
              for (let xx = 0; xx < ow; xx++) col[d + xx] = 0;
              continue;
            }
            const srow = xc + iy * iw;
            for (let xx = 0; xx < ow; xx++) {
              const ix = xx * sw - pw + kx * dw;
              col[d + xx] = ix >= 0 && ix < iw ? X[srow + ix] : 0;
            }
          }
        }
      }
    }
    return;
  }
  const kIdx = new Array<number>(r).fill(0);
  const oIdx = new Array<number>(r).fill(0);
  for (let ch = 0; ch < channels; ch++) {
    for (let kk = 0; kk < kSize; kk++) {
      let rem = kk;
      for (let i = r - 1; i >= 0; i--) {
        kIdx[i] = rem % kernel[i];
        rem = Math.floor(rem / kernel[i]);
      }
      const dst = (ch * kSize + kk) * outPlane;
      for (let p = 0; p < outPlane; p++) {
        let prem = p;
        for (let i = r - 1; i >= 0; i--) {
          oIdx[i] = prem % outSpatial[i];
          prem = Math.floor(prem / outSpatial[i]);
        }
        let src = 0;
        let inside = true;
        for (let i = 0; i < r; i++) {
          const v = oIdx[i] * strides[i] - padBegin[i] + kIdx[i] * dilations[i];
          if (v < 0 || v >= inSpatial[i]) {
            inside = false;
            break;
          }
          src = src * inSpatial[i] + v;
        }
        col[dst + p] = inside ? X[xOff + ch * inPlane + src] : 0;
      }
    }
  }
}

function depthwise(X: Float32Array, xOff: number, W: Float32Array, Y: Float32Array, yOff: number, channels: number, geo: ConvGeometry): void {
  const [kh, kw] = geo.kernel;
  const [sh, sw] = geo.strides;
  const [dh, dw] = geo.dilations;
  const [ph, pw] = geo.padBegin;
  const [ih, iw] = geo.inSpatial;
  const [oh, ow] = geo.outSpatial;
  for (let ch = 0; ch < channels; ch++) {
    const xc = xOff + ch * ih * iw;
    const wc = ch * kh * kw;
    const yc = yOff + ch * oh * ow;
    for (let y = 0; y < oh; y++) {
      for (let xx = 0; xx < ow; xx++) {
        let acc = 0;
        for (let ky = 0; ky < kh; ky++) {
          const iy = y * sh - ph + ky * dh;
          if (iy < 0 || iy >= ih) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = xx * sw - pw + kx * dw;
            if (ix < 0 || ix >= iw) continue;
            acc += X[xc + iy * iw + ix] * W[wc + ky * kw + kx];
          }
        }
        Y[yc + y * ow + xx] = acc;
      }
    }
  }
}
