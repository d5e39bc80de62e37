// MatMul, Gemm, Conv, pooling, and their integer / QLinear forms.
import { DataType } from '../dtypes.js';
import type { Dim, Shape } from '../ir/types.js';
import { broadcast, mergeDim, type InferContext } from './context.js';
import { registerRule as register } from './registry.js';

// Rules are collected when this module loads and registered by register-all-rules.ts: an explicit
// call keeps bundlers (this package is `sideEffects: false`) from dropping the module.
const pending: Parameters<typeof register>[] = [];
const registerRule = (...args: Parameters<typeof register>): void => {
  pending.push(args);
};

export function registerLinearRules(): void {
  for (const args of pending) register(...args);
}

const QTYPES = [DataType.UINT8, DataType.INT8];
const FLOATS = [DataType.FLOAT, DataType.FLOAT16, DataType.BFLOAT16, DataType.DOUBLE];

function dimsCompatible(a: Dim, b: Dim): boolean {
  return !(typeof a === 'number' && typeof b === 'number' && a !== b);
}

/** numpy matmul shape rule. */
export function matmulShape(ctx: InferContext, a: Shape | undefined, b: Shape | undefined): Shape | undefined {
  if (!a || !b) return undefined;
  if (a.length === 0 || b.length === 0) ctx.fail('MatMul inputs must have rank >= 1');
  const A = a.length === 1 ? [1, a[0]] : a;
  const B = b.length === 1 ? [b[0], 1] : b;
  const k1 = A[A.length - 1];
  const k2 = B[B.length - 2];
  if (!dimsCompatible(k1, k2)) ctx.fail(`MatMul inner dimensions differ: ${k1} vs ${k2}`);
  const batch = broadcast(ctx, [A.slice(0, -2), B.slice(0, -2)])!;
  const out: Shape = [...batch];
  if (a.length !== 1) out.push(A[A.length - 2]);
  if (b.length !== 1) out.push(B[B.length - 1]);
  return out;
}

registerRule('MatMul', (ctx) => ctx.setOutput(0, ctx.sameType([0, 1]), matmulShape(ctx, ctx.shape(0), ctx.shape(1))));
registerRule('MatMulInteger', (ctx) => {
  ctx.expectType(0, QTYPES, 'A');
  ctx.expectType(1, QTYPES, 'B');
  ctx.sameType([0, 2], 'A/a_zero_point');
  ctx.sameType([1, 3], 'B/b_zero_point');
  ctx.setOutput(0, DataType.INT32, matmulShape(ctx, ctx.shape(0), ctx.shape(1)));
});
registerRule('QLinearMatMul', (ctx) => {
  ctx.sameType([0, 2], 'a/a_zero_point');
  ctx.sameType([3, 5], 'b/b_zero_point');
  ctx.expectType(1, FLOATS, 'a_scale');
  ctx.expectType(4, FLOATS, 'b_scale');
  ctx.expectType(6, FLOATS, 'y_scale');
  ctx.setOutput(0, ctx.elemType(7) ?? ctx.elemType(0), matmulShape(ctx, ctx.shape(0), ctx.shape(3)));
});
registerRule('QGemm', (ctx) => {
  // A, a_scale, a_zp, B, b_scale, b_zp, C, y_scale, y_zp; float output when y_scale is absent.
  const a = ctx.shape(0);
  const b = ctx.shape(3);
  let shape: Shape | undefined;
  if (a && b && a.length === 2 && b.length === 2) {
    const M = ctx.int('transA', 0) ? a[1] : a[0];
    const N = ctx.int('transB', 0) ? b[0] : b[1];
    shape = [M, N];
  }
  ctx.setOutput(0, ctx.hasInput(7) ? (ctx.elemType(8) ?? DataType.UINT8) : DataType.FLOAT, shape);
}, 'com.microsoft');
registerRule('MatMulIntegerToFloat', (ctx) => {
  ctx.setOutput(0, ctx.elemType(2) ?? DataType.FLOAT, matmulShape(ctx, ctx.shape(0), ctx.shape(1)));
}, 'com.microsoft');
registerRule('DynamicQuantizeMatMul', (ctx) => {
  ctx.setOutput(0, ctx.elemType(0), matmulShape(ctx, ctx.shape(0), ctx.shape(1)));
}, 'com.microsoft');
registerRule('MatMulNBits', (ctx) => {
  const a = ctx.shape(0);
  const N = ctx.int('N', -1);
  const K = ctx.int('K', -1);
  if (a && a.length && !dimsCompatible(a[a.length - 1], K)) ctx.fail(`MatMulNBits: A's last dim ${a[a.length - 1]} != K ${K}`);
  ctx.setOutput(0, ctx.elemType(0), a ? [...a.slice(0, -1), N >= 0 ? N : undefined] : undefined);
}, 'com.microsoft');

registerRule('Gemm', (ctx) => {
  const t = ctx.sameType([0, 1, 2]);
  const a = ctx.shape(0);
  const b = ctx.shape(1);
  let shape: Shape | undefined;
  if (a && b) {
    if (a.length !== 2 || b.length !== 2) ctx.fail(`Gemm needs 2-D A and B, got ranks ${a.length} and ${b.length}`);
    const [M, Ka] = ctx.int('transA', 0) ? [a[1], a[0]] : [a[0], a[1]];
    const [Kb, N] = ctx.int('transB', 0) ? [b[1], b[0]] : [b[0], b[1]];
    if (!dimsCompatible(Ka, Kb)) ctx.fail(`Gemm inner dimensions differ: ${Ka} vs ${Kb}`);
    shape = [M, N];
    const c = ctx.shape(2);
    if (c) broadcast(ctx, [shape, c]); // C must broadcast to [M, N] (unidirectionally).
  }
  ctx.setOutput(0, t, shape);
});

interface WindowAttrs {
  kernel: number[];
  strides: number[];
  dilations: number[];
  pads: number[];
  autoPad: string;
  ceil: boolean;
}

function windowAttrs(ctx: InferContext, spatial: number, kernel: number[] | undefined): WindowAttrs | undefined {
  const k = ctx.ints('kernel_shape') ?? kernel;
  if (!k) return undefined;
  if (k.length !== spatial) ctx.fail(`kernel_shape has ${k.length} dims, input has ${spatial} spatial dims`);
  return {
    kernel: k,
    strides: ctx.ints('strides') ?? k.map(() => 1),
    dilations: ctx.ints('dilations') ?? k.map(() => 1),
    pads: ctx.ints('pads') ?? k.flatMap(() => [0]).concat(k.map(() => 0)),
    autoPad: ctx.string('auto_pad', 'NOTSET'),
    ceil: ctx.int('ceil_mode', 0) === 1,
  };
}

function windowOut(ctx: InferContext, dims: Shape, w: WindowAttrs): Shape {
  return dims.map((d, i) => {
    if (typeof d !== 'number') return undefined;
    const s = w.strides[i];
    const ek = (w.kernel[i] - 1) * w.dilations[i] + 1;
    if (w.autoPad === 'SAME_UPPER' || w.autoPad === 'SAME_LOWER') return Math.ceil(d / s);
    const padded = w.autoPad === 'VALID' ? d : d + w.pads[i] + w.pads[i + dims.length];
    if (padded < ek) ctx.fail(`window ${ek} larger than padded input ${padded}`);
    const r = (padded - ek) / s;
    let out = (w.ceil ? Math.ceil(r) : Math.floor(r)) + 1;
    // With ceil_mode, a last window that would start inside the end padding is dropped.
    if (w.ceil && w.autoPad !== 'VALID' && (out - 1) * s >= d + w.pads[i]) out--;
    return out;
  });
}

function convLike(ctx: InferContext, xi: number, wi: number): Shape | undefined {
  const x = ctx.shape(xi);
  const w = ctx.shape(wi);
  if (!x) return undefined;
  if (x.length < 3) ctx.fail(`Conv input must have rank >= 3, got ${x.length}`);
  const group = ctx.int('group', 1);
  if (w) {
    if (w.length !== x.length) ctx.fail(`Conv weight rank ${w.length} != input rank ${x.length}`);
    const cin = w[1];
    if (typeof cin === 'number' && typeof x[1] === 'number' && cin * group !== x[1]) {
      ctx.fail(`Conv channels: input has ${x[1]}, weight expects ${cin} x group ${group}`);
    }
  }
  const spatial = x.length - 2;
  const kernel = w && w.slice(2).every((d) => typeof d === 'number') ? (w.slice(2) as number[]) : undefined;
  const a = windowAttrs(ctx, spatial, kernel);
  return [x[0], w ? w[0] : undefined, ...(a ? windowOut(ctx, x.slice(2), a) : x.slice(2).map(() => undefined))];
}

registerRule('Conv', (ctx) => ctx.setOutput(0, ctx.sameType([0, 1, 2]), convLike(ctx, 0, 1)));
registerRule('ConvInteger', (ctx) => {
  ctx.sameType([0, 2], 'x/x_zero_point');
  ctx.sameType([1, 3], 'w/w_zero_point');
  ctx.setOutput(0, DataType.INT32, convLike(ctx, 0, 1));
});
registerRule('QLinearConv', (ctx) => {
  ctx.sameType([0, 2], 'x/x_zero_point');
  ctx.sameType([3, 5], 'w/w_zero_point');
  ctx.expectType(8, [DataType.INT32], 'B');
  ctx.setOutput(0, ctx.elemType(7) ?? ctx.elemType(0), convLike(ctx, 0, 3));
});

registerRule('ConvTranspose', (ctx) => {
  const t = ctx.sameType([0, 1, 2]);
  const x = ctx.shape(0);
  const w = ctx.shape(1);
  if (!x) return ctx.setOutput(0, t, undefined);
  const group = ctx.int('group', 1);
  const spatial = x.length - 2;
  const kernel = ctx.ints('kernel_shape') ?? (w && w.slice(2).every((d) => typeof d === 'number') ? (w.slice(2) as number[]) : undefined);
  const cout = w && typeof w[1] === 'number' ? w[1] * group : undefined;
  const outShape = ctx.ints('output_shape');
  if (outShape) return ctx.setOutput(0, t, [x[0], cout, ...outShape.slice(-spatial)]);
  if (!kernel) return ctx.setOutput(0, t, [x[0], cout, ...x.slice(2).map(() => undefined)]);
  const strides = ctx.ints('strides') ?? kernel.map(() => 1);
  const dil = ctx.ints('dilations') ?? kernel.map(() => 1);
  const pads = ctx.ints('pads') ?? kernel.map(() => 0).concat(kernel.map(() => 0));
  const opad = ctx.ints('output_padding') ?? kernel.map(() => 0);
  const autoPad = ctx.string('auto_pad', 'NOTSET');
  const dims = x.slice(2).map((d, i) => {
    if (typeof d !== 'number') return undefined;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return d * strides[i];
    return strides[i] * (d - 1) + opad[i] + (kernel[i] - 1) * dil[i] + 1 - pads[i] - pads[i + spatial];
  });
  ctx.setOutput(0, t, [x[0], cout, ...dims]);
});

function pool(ctx: InferContext): Shape | undefined {
  const x = ctx.shape(0);
  if (!x) return undefined;
  if (x.length < 3) ctx.fail(`pooling input must have rank >= 3, got ${x.length}`);
  const a = windowAttrs(ctx, x.length - 2, undefined);
  if (!a) ctx.fail('kernel_shape is required');
  return [x[0], x[1], ...windowOut(ctx, x.slice(2), a)];
}
registerRule(['MaxPool', 'AveragePool', 'LpPool'], (ctx) => {
  const s = pool(ctx);
  ctx.setOutput(0, ctx.elemType(0), s);
  ctx.setOutput(1, DataType.INT64, s);
});
registerRule(['GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool'], (ctx) => {
  const x = ctx.shape(0);
  ctx.setOutput(0, ctx.elemType(0), x ? [x[0], x[1], ...x.slice(2).map(() => 1)] : undefined);
});
registerRule('QLinearGlobalAveragePool', (ctx) => {
  const x = ctx.shape(0);
  const last = ctx.int('channels_last', 0) === 1;
  let s: Shape | undefined;
  if (x) s = last ? [x[0], ...x.slice(1, -1).map(() => 1), x[x.length - 1]] : [x[0], x[1], ...x.slice(2).map(() => 1)];
  ctx.sameType([0, 2, 4], 'x/zero points');
  ctx.setOutput(0, ctx.elemType(0), s);
}, 'com.microsoft');
registerRule('QLinearAveragePool', (ctx) => {
  ctx.setOutput(0, ctx.elemType(0), pool(ctx));
}, 'com.microsoft');

// Elementwise QLinear ops (com.microsoft): A, A_scale, A_zp, B, B_scale, B_zp, C_scale, C_zp.
registerRule(['QLinearAdd', 'QLinearMul'], (ctx) => {
  ctx.sameType([0, 2], 'A/A_zero_point');
  ctx.sameType([3, 5], 'B/B_zero_point');
  ctx.setOutput(0, ctx.elemType(7) ?? ctx.elemType(0), broadcast(ctx, [ctx.shape(0), ctx.shape(3)]));
}, 'com.microsoft');
registerRule(['QLinearSigmoid', 'QLinearLeakyRelu', 'QLinearSoftmax'], (ctx) => {
  ctx.setOutput(0, ctx.elemType(4) ?? ctx.elemType(0), ctx.shape(0));
}, 'com.microsoft');
registerRule('QLinearConcat', (ctx) => {
  // Y_scale, Y_zp, then (X, X_scale, X_zp) triples.
  const xs: number[] = [];
  for (let i = 2; i < ctx.inputCount; i += 3) xs.push(i);
  ctx.setOutput(0, ctx.elemType(1) ?? ctx.elemType(2), concatShape(ctx, xs));
}, 'com.microsoft');

/** Concat shape over the given inputs along attribute `axis`. */
export function concatShape(ctx: InferContext, inputs: readonly number[]): Shape | undefined {
  const shapes = inputs.map((i) => ctx.shape(i));
  const known = shapes.filter((s): s is Shape => s !== undefined);
  if (!known.length) return undefined;
  const rank = known[0].length;
  for (const s of known) if (s.length !== rank) ctx.fail(`Concat inputs have different ranks (${rank} vs ${s.length})`);
  const axis = ctx.int('axis', 0);
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) ctx.fail(`axis ${axis} out of range for rank ${rank}`);
  const out: Shape = [];
  for (let k = 0; k < rank; k++) {
    if (k === a) {
      if (shapes.some((s) => s === undefined)) out.push(undefined);
      else {
        let sum: number | undefined = 0;
        for (const s of known) sum = typeof s[k] === 'number' && sum !== undefined ? sum + (s[k] as number) : undefined;
        out.push(sum);
      }
      continue;
    }
    let d: Dim = undefined;
    for (const s of known) {
      if (!dimsCompatible(d, s[k])) ctx.fail(`Concat inputs differ in dim ${k}: ${d} vs ${s[k]}`);
      d = mergeDim(d, s[k]);
    }
    out.push(d);
  }
  return out;
}
