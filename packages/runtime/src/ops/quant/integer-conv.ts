// Integer 2-D convolution (NCHW, OIHW weights; 1-D runs as H = 1) with the quantized epilogues:
// QLinearConv, ConvInteger and the fused QDQ Conv. WASM conv kernels (1×1, im2col, depthwise)
// when loaded, else a direct TypeScript loop with the same numerics.

import type { Kernels, QConv, QOutputType } from '@octet/kernels';
import type { OpContext } from '../../op-registry.js';
import type { TypedArray } from '../../tensor.js';
import { convGeometry } from '../conv-geometry.js';
import { outputRange, type IntegerEpilogue } from './integer-matmul.js';
import { requantize } from './quant-params.js';
import { copyOut, scratchOf } from './wasm-bridge.js';

export interface IntegerConvSpec extends IntegerEpilogue {
  /** [M, C/group, kH, kW] (or [M, C/group, k] for 1-D). */
  readonly weights: Int8Array | Uint8Array;
  readonly weightDims: readonly number[];
  /** One value or M. */
  readonly weightZeroPoint: ArrayLike<number>;
  readonly activationSigned: boolean;
  readonly activationZeroPoint: number;
}

export interface PreparedIntegerConv {
  readonly outDims: number[];
  readonly onKernels: boolean;
  /** za: a run-time activation zero point (ConvInteger); default the prepared one. */
  run(x: Int8Array | Uint8Array, y: TypedArray, za?: number): void;
}

/** Prepares a conv for input dims [N, C, (H,) W]; kernel objects cached per input shape. */
export function prepareIntegerConv(ctx: OpContext, xDims: readonly number[], spec: IntegerConvSpec, k: Kernels | undefined): PreparedIntegerConv {
  const rank = xDims.length;
  if (rank !== 3 && rank !== 4) ctx.fail(`only 1-D and 2-D integer convolution is supported, got input rank ${rank}`);
  const [N, C] = xDims;
  const wd = spec.weightDims;
  if (wd.length !== rank) ctx.fail(`weight rank ${wd.length} does not match input rank ${rank}`);
  const M = wd[0];
  const group = ctx.attrs.int('group', 1);
  if (C !== wd[1] * group) ctx.fail(`input has ${C} channels, weights expect ${wd[1]}·group ${group}`);
  if (M % group !== 0) ctx.fail(`group ${group} does not divide ${M} output channels`);
  const kernelShape = ctx.attrs.has('kernel_shape') ? [...ctx.attrs.ints('kernel_shape')] : wd.slice(2);
  const g = convGeometry(ctx, xDims.slice(2), kernelShape);
  const two = (a: number[], d: number) => (rank === 3 ? [d, a[0]] : [a[0], a[1]]) as [number, number];
  const [H, W] = rank === 3 ? [1, xDims[2]] : [xDims[2], xDims[3]];
  const [kH, kW] = two(g.kernel, 1);
  const [sH, sW] = two(g.strides, 1);
  const [dH, dW] = two(g.dilations, 1);
  const [pT, pL] = two(g.padBegin, 0);
  const [pB, pR] = two(g.padEnd, 0);
  const [oH, oW] = two(g.outSpatial, 1);
  const outDims = [N, M, ...g.outSpatial];
  const inSize = C * H * W;
  const outSize = M * oH * oW;
  const output: QOutputType = spec.output;

  if (k) {
    const key = `qconv:${C}x${H}x${W}`;
    let conv = ctx.cache.get(key) as QConv | undefined;
    if (!conv) {
      conv = k.createQConv({
        C, H, W, M,
        kernelShape: [kH, kW],
        group,
        strides: [sH, sW],
        dilations: [dH, dW],
        pads: [pT, pL, pB, pR],
        weights: spec.weights,
        weightZeroPoint: spec.weightZeroPoint.length === 1 ? spec.weightZeroPoint[0] : spec.weightZeroPoint,
        activationSigned: spec.activationSigned,
        activationZeroPoint: spec.activationZeroPoint,
        output,
        scale: spec.scale === undefined ? undefined : spec.scale.length === 1 ? spec.scale[0] : spec.scale,
        outputZeroPoint: spec.outputZeroPoint,
        outputMin: spec.outputMin,
        outputMax: spec.outputMax,
        bias: spec.bias,
        biasF32: spec.biasF32,
      });
      ctx.cache.set(key, conv);
      const made = conv;
      ctx.onDispose(() => made.dispose());
    }
    const xs = scratchOf(ctx, k, 'conv-x');
    const ys = scratchOf(ctx, k, 'conv-y');
    const outBytes = output === 'f32' || output === 'i32' ? 4 : 1;
    const c = conv;
    // Scratch sized now: a run never grows the memory (arena views stay valid).
    // and one run on it, so the kernels size their own buffers for this batch now.
    c.run({ N, x: xs.ensure(N * inSize), y: ys.ensure(N * outSize * outBytes) });
    return {
      outDims,
      onKernels: true,
      run(x, y, za) {
        const mem = k.memory.buffer;
        const xIn = x.buffer === mem;
        const yIn = y.buffer === mem;
        const xp = xIn ? x.byteOffset : xs.ensure(N * inSize);
        const yp = yIn ? y.byteOffset : ys.ensure(N * outSize * outBytes);
        if (!xIn) k.heap.u8.set(x as Uint8Array, xp);
        c.run(za === undefined ? { N, x: xp, y: yp } : { N, x: xp, y: yp, activationZeroPoint: za });
        if (!yIn) copyOut(k, yp, y, N * outSize);
      },
    };
  }

  const Cg = C / group;
  const Mg = M / group;
  const kSize = Cg * kH * kW;
  const zb = spec.weightZeroPoint;
  const zbPer = zb.length > 1;
  const w = spec.weights;
  const scale = spec.scale;
  const perCol = scale !== undefined && scale.length > 1;
  const [qmin, qmax] = output === 'u8' || output === 's8' ? outputRange(output, spec) : [0, 0];
  const zy = spec.outputZeroPoint ?? 0;
  return {
    outDims,
    onKernels: false,
    run(x, y, runZa) {
      const za = runZa ?? spec.activationZeroPoint;
      for (let n = 0; n < N; n++) {
        for (let m = 0; m < M; m++) {
          const grp = Math.floor(m / Mg);
          const z = zbPer ? zb[m] : zb[0];
          const s = perCol ? scale![m] : scale ? scale[0] : 1;
          const bias = spec.bias ? spec.bias[m] : 0;
          const wBase = m * kSize;
          for (let oh = 0; oh < oH; oh++) {
            for (let ow = 0; ow < oW; ow++) {
              let acc = bias;
              for (let c = 0; c < Cg; c++) {
                const xBase = n * inSize + (grp * Cg + c) * H * W;
                for (let i = 0; i < kH; i++) {
                  const ih = oh * sH - pT + i * dH;
                  if (ih < 0 || ih >= H) continue;
                  for (let j = 0; j < kW; j++) {
                    const iw = ow * sW - pL + j * dW;
                    if (iw < 0 || iw >= W) continue;
                    acc += (x[xBase + ih * W + iw] - za) * (w[wBase + (c * kH + i) * kW + j] - z);
                  }
                }
              }
              acc |= 0;
              const o = n * outSize + m * oH * oW + oh * oW + ow;
              if (output === 'i32') y[o] = acc;
              else if (output === 'f32') {
                let v = Math.fround(Math.fround(acc) * s);
                if (spec.biasF32) v = Math.fround(v + spec.biasF32[m]);
                y[o] = v;
              } else y[o] = requantize(acc, s, zy, qmin, qmax);
            }
          }
        }
      }
    },
  };
}
