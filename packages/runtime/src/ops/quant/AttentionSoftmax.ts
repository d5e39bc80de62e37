// ai.octet AttentionSoftmax (fuse-attention-softmax pattern): the attention probabilities in one
// pass — scores · mul / div, an optional QuantizeLinear → DequantizeLinear round trip, an optional
// additive mask, Softmax over the last axis, optionally QuantizeLinear — instead of up to six
// tensors. Inputs: X (f32 scores), Mask (f32, broadcast to X; '' if none), RT_scale,
// RT_zero_point (the round trip; '' if none), Y_scale, Y_zero_point ('' for an f32 output).
// Attributes: mul, div (floats). X may instead be uint8 scores (the integer QKᵀ requantized), with
// RT_scale / RT_zero_point their quantization and mul = div = 1: then a table of 256 exponentials
// replaces e^x (x8_attention_softmax).

import {
  ATTENTION_SOFTMAX_PARAMS_BYTES, attentionExpTable, attentionSoftmaxInto, broadcastShape, referenceAttentionSoftmax, referenceX8AttentionSoftmax,
  writeAttentionSoftmaxParams, writeX8AttentionSoftmaxParams, x8AttentionSoftmaxInto, X8_ATTENTION_SOFTMAX_PARAMS_BYTES, type AttentionSoftmaxParams,
  type KernelHost, type X8AttentionSoftmaxParams,
} from '@octet/kernels';
import type { OpConfig, OpContext, PreparedOp } from '../../op-registry.js';
import { sizeOf, type Tensor, type TypedArray } from '../../tensor.js';
import { broadcastStrides } from '../../shape-utils.js';
import { scalarParam } from './quant-params.js';
import { inputPtr, outputPtr, type PtrOf } from '../wasm-ptr.js';

/** Rows of X (flattened to [rows, n]) that share one row of the mask, or 0 if the mask is not [d0..dk, 1.., n]-shaped. */
export function maskGroupRows(xDims: readonly number[], maskDims: readonly number[]): number {
  const r = xDims.length;
  if (maskDims.length > r || r === 0) return 0;
  const md = [...new Array<number>(r - maskDims.length).fill(1), ...maskDims];
  if (md[r - 1] !== xDims[r - 1]) return 0;
  let lead = 0;
  while (lead < r - 1 && md[lead] === xDims[lead]) lead++;
  for (let i = lead; i < r - 1; i++) if (md[i] !== 1) return 0;
  return sizeOf(xDims.slice(lead, r - 1));
}

/** `src` (dims `from`) broadcast to `to` (NumPy rules; `to` is the broadcast of both). */
function expandTo(src: ArrayLike<number>, from: readonly number[], to: readonly number[]): Float32Array {
  const r = to.length;
  const strides = broadcastStrides(from, to);
  const out = new Float32Array(sizeOf(to));
  const idx = new Array<number>(r).fill(0);
  for (let o = 0; o < out.length; o++) {
    let j = 0;
    for (let i = 0; i < r; i++) j += idx[i] * strides[i];
    out[o] = src[j];
    for (let i = r - 1; i >= 0; i--) {
      if (++idx[i] < to[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

/** The mask's address for the kernel: read in place (`mp`), materialised at `expanded`, or 0 for none. */
function maskPtr(k: KernelHost, mask: Tensor | undefined, mp: PtrOf | undefined, expanded: number, outDims: readonly number[]): number {
  if (mp) return mp(mask!);
  if (!expanded) return 0;
  k.heap.f32.set(expandTo(mask!.data as Float32Array, mask!.dims, outDims), expanded >> 2);
  return expanded;
}

function paramsOf(ctx: OpContext, groupRows: number): AttentionSoftmaxParams {
  const has = (i: number) => ctx.hasInput(i);
  const dtypeOf = (i: number): 'uint8' | 'int8' => {
    const d = has(i) ? ctx.input(i).dtype : 'uint8';
    if (d !== 'uint8' && d !== 'int8') ctx.fail(`input ${i} must be uint8 or int8, got ${d}`);
    return d as 'uint8' | 'int8';
  };
  return {
    mul: Math.fround(ctx.attrs.float('mul', 1)),
    div: Math.fround(ctx.attrs.float('div', 1)),
    roundTrip: has(2) ? { scale: Math.fround(scalarParam(ctx, 2, 'RT_scale')), zeroPoint: has(3) ? scalarParam(ctx, 3, 'RT_zero_point') : 0, dtype: dtypeOf(3) } : undefined,
    maskGroupRows: groupRows,
    output: has(4) ? { dtype: dtypeOf(5), scale: Math.fround(scalarParam(ctx, 4, 'Y_scale')), zeroPoint: has(5) ? scalarParam(ctx, 5, 'Y_zero_point') : 0 } : { dtype: 'float32' },
  };
}

export const attentionSoftmaxConfig: OpConfig = {
  opType: 'AttentionSoftmax',
  domain: 'ai.octet',
  minOpset: 1,
  maxOpset: 1,
  prepare(ctx) {
    const x8 = ctx.input(0).dtype === 'uint8';
    if (ctx.input(0).dtype !== 'float32' && !x8) ctx.fail(`X must be float32 or uint8, got ${ctx.input(0).dtype}`);
    if (x8 && (!ctx.hasInput(2) || ctx.attrs.float('mul', 1) !== 1 || ctx.attrs.float('div', 1) !== 1)) ctx.fail('uint8 X needs its scale (input 2) and no mul/div');
    if (ctx.hasInput(1) && ctx.input(1).dtype !== 'float32') ctx.fail(`Mask must be float32, got ${ctx.input(1).dtype}`);
    const outDims = ctx.hasInput(1) ? broadcastShape(ctx.input(0).dims, ctx.input(1).dims) : [...ctx.input(0).dims];
    // X + Mask is symmetric when nothing else touches X: the full-size operand plays the scores
    const plain = ctx.attrs.float('mul', 1) === 1 && ctx.attrs.float('div', 1) === 1 && !ctx.hasInput(2) && !x8;
    const swap = plain && ctx.hasInput(1) && sizeOf(ctx.input(0).dims) !== sizeOf(outDims) && sizeOf(ctx.input(1).dims) === sizeOf(outDims);
    const [xi, mi] = swap ? [1, 0] : [0, 1];
    const x = ctx.input(xi);
    const mask = ctx.hasInput(1) ? ctx.input(mi) : undefined;
    const n = outDims[outDims.length - 1] ?? 1;
    const rows = n === 0 ? 0 : sizeOf(outDims) / n;
    const sameX = sizeOf(outDims) === sizeOf(x.dims);
    // a mask the kernel indexes directly, or the broadcast mask materialised per run
    const group = mask && sameX ? maskGroupRows(x.dims, mask.dims) : 0;
    const p = paramsOf(ctx, mask ? (group > 0 ? group : 1) : 1);
    const outDtype = p.output.dtype;
    const outBytes = outDtype === 'float32' ? 4 : 1;
    const k = ctx.kernels;
    const x8p: X8AttentionSoftmaxParams | undefined = x8 && p.roundTrip ? { scale: p.roundTrip.scale, zeroPoint: p.roundTrip.zeroPoint, maskGroupRows: p.maskGroupRows, output: p.output } : undefined;
    if (k && sameX && rows > 0 && x8p) return x8Kernel(ctx, k, x8p, { n, rows, outDims, group, hasMask: mask !== undefined });
    if (k && sameX && rows > 0) {
      const threads = k.pool?.size ?? 1;
      const params = ctx.scratchPtr('attention-softmax-params', ATTENTION_SOFTMAX_PARAMS_BYTES);
      writeAttentionSoftmaxParams(k, params, p);
      const tmp = outBytes === 1 ? ctx.scratchPtr('attention-softmax-row', threads * n * 4) : 0;
      const xp = inputPtr(ctx, xi);
      const mp = mask && group > 0 ? inputPtr(ctx, mi) : undefined;
      const expanded = mask && group === 0 ? ctx.scratchPtr('attention-softmax-mask', rows * n * 4) : 0;
      return {
        outputs: [{ dtype: outDtype, dims: outDims }],
        run(inputs, outputs) {
          // the parameter block is this node's scratch, written at prepare (memory growth keeps it;
          // a new plan prepares again), so run() only passes its address
          const m = maskPtr(k, inputs[mi], mp, expanded, outDims);
          attentionSoftmaxInto(k, { x: xp(inputs[xi]), y: outputPtr(outputs[0]), rows, n, mask: m, params, tmp, threads }, outBytes);
        },
      };
    }
    return {
      outputs: [{ dtype: outDtype, dims: outDims }],
      run(inputs, outputs) {
        const xs = sameX ? inputs[xi].data : expandTo(inputs[xi].data as Float32Array | Uint8Array, inputs[xi].dims, outDims);
        const ms = mask ? expandTo(inputs[mi].data as Float32Array, inputs[mi].dims, outDims) : null;
        const y = x8p
          ? referenceX8AttentionSoftmax(xs as ArrayLike<number>, rows, n, ms, { ...x8p, maskGroupRows: 1 })
          : referenceAttentionSoftmax(xs as ArrayLike<number>, rows, n, ms, { ...p, maskGroupRows: 1 });
        const o = outputs[0].data as TypedArray;
        if (outDtype === 'float32') (o as Float32Array).set(y);
        else for (let i = 0; i < y.length; i++) o[i] = y[i];
      },
    };
  },
};


/** The uint8-scores kernel: the exp table once per node, the mask indexed or materialised. */
function x8Kernel(
  ctx: OpContext, k: KernelHost, p: X8AttentionSoftmaxParams, s: { n: number; rows: number; outDims: number[]; group: number; hasMask: boolean },
): PreparedOp {
  const { n, rows, outDims, group } = s;
  const threads = k.pool?.size ?? 1;
  const table = ctx.scratchPtr('attention-exp-table', 256 * 4);
  k.heap.f32.set(attentionExpTable(p.scale), table >> 2);
  const params = ctx.scratchPtr('attention-softmax-params', X8_ATTENTION_SOFTMAX_PARAMS_BYTES);
  const tmp = ctx.scratchPtr('attention-softmax-rows', threads * n * 8);
  const xp = inputPtr(ctx, 0);
  const mp = s.hasMask && group > 0 ? inputPtr(ctx, 1) : undefined;
  const expanded = s.hasMask && group === 0 ? ctx.scratchPtr('attention-softmax-mask', rows * n * 4) : 0;
  const outBytes = p.output.dtype === 'float32' ? 4 : 1;
  writeX8AttentionSoftmaxParams(k, params, table, p);
  return {
    outputs: [{ dtype: p.output.dtype, dims: outDims }],
    run(inputs, outputs) {
      const m = maskPtr(k, inputs[1], mp, expanded, outDims);
      x8AttentionSoftmaxInto(k, { x: xp(inputs[0]), y: outputPtr(outputs[0]), rows, n, mask: m, params, tmp, threads }, outBytes);
    },
  };
}
