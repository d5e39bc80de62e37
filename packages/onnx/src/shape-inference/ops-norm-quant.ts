// Normalisation, reductions, and quantisation ops.
import { DataType } from '../dtypes.js';
import type { Shape } from '../ir/types.js';
import { normAxis, type InferContext } from './context.js';
import { registerRule as register } from './registry.js';

// Rules are collected when this module loads and registered by register-all-rules.ts: an explicit
// call keeps bundlers (this package is `sideEffects: false`) from dropping the module.
const pending: Parameters<typeof register>[] = [];
const registerRule = (...args: Parameters<typeof register>): void => {
  pending.push(args);
};

export function registerNormQuantRules(): void {
  for (const args of pending) register(...args);
}

const FLOATS = [DataType.FLOAT, DataType.FLOAT16, DataType.BFLOAT16, DataType.DOUBLE];

registerRule('LayerNormalization', (ctx) => {
  ctx.sameType([0, 1, 2], 'X/Scale/B');
  const s = ctx.shape(0);
  ctx.setOutput(0, ctx.elemType(0), s);
  if (!s) return;
  const a = normAxis(ctx, ctx.int('axis', -1), s.length);
  const stash = ctx.int('stash_type', 1);
  const red: Shape = [...s.slice(0, a), ...s.slice(a).map(() => 1)];
  ctx.setOutput(1, stash, red);
  ctx.setOutput(2, stash, red);
});
registerRule(['SkipLayerNormalization', 'SkipSimplifiedLayerNormalization'], (ctx) => {
  ctx.sameType([0, 1]);
  const s = ctx.shape(0);
  ctx.setOutput(0, ctx.elemType(0), s);
  ctx.setOutput(3, ctx.elemType(0), s);
}, 'com.microsoft');
registerRule(['BatchNormalization', 'InstanceNormalization', 'GroupNormalization', 'LRN'], (ctx) => {
  ctx.sameType([0, 1, 2], 'X/scale/B');
  ctx.setOutput(0, ctx.elemType(0), ctx.shape(0));
});

const REDUCE = ['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare'];
registerRule(REDUCE, (ctx) => {
  const s = ctx.shape(0);
  const axesFromInput = ctx.node.opType === 'ReduceSum' ? ctx.opset >= 13 : ctx.opset >= 18;
  let axes: number[] | undefined;
  if (axesFromInput) {
    if (ctx.hasInput(1)) {
      axes = ctx.numbers(1);
      if (!axes) return ctx.setOutput(0, ctx.elemType(0), s && ctx.int('keepdims', 1) ? s.map(() => undefined) : undefined);
    }
  } else axes = ctx.ints('axes');
  if (!s) return ctx.setOutput(0, ctx.elemType(0), undefined);
  const keep = ctx.int('keepdims', 1) === 1;
  if (!axes || axes.length === 0) {
    if (axesFromInput && ctx.int('noop_with_empty_axes', 0) === 1) return ctx.setOutput(0, ctx.elemType(0), s);
    axes = s.map((_, i) => i);
  }
  const norm = axes.map((a) => normAxis(ctx, a, s.length));
  const out: Shape = [];
  s.forEach((d, i) => {
    if (!norm.includes(i)) out.push(d);
    else if (keep) out.push(1);
  });
  ctx.setOutput(0, ctx.elemType(0), out);
});
registerRule(['ArgMax', 'ArgMin'], (ctx) => {
  const s = ctx.shape(0);
  if (!s) return ctx.setOutput(0, DataType.INT64, undefined);
  const a = normAxis(ctx, ctx.int('axis', 0), s.length);
  const keep = ctx.int('keepdims', 1) === 1;
  ctx.setOutput(0, DataType.INT64, keep ? s.map((d, i) => (i === a ? 1 : d)) : s.filter((_, i) => i !== a));
});

registerRule('QuantizeLinear', (ctx) => {
  ctx.expectType(1, FLOATS, 'y_scale');
  const outT = ctx.elemType(2) ?? (ctx.node.hasAttribute('output_dtype') ? ctx.int('output_dtype', DataType.UINT8) : DataType.UINT8);
  ctx.setOutput(0, outT, ctx.shape(0));
});
registerRule('DequantizeLinear', (ctx) => {
  ctx.sameType([0, 2], 'x/x_zero_point');
  ctx.expectType(1, FLOATS, 'x_scale');
  const outT = ctx.opset >= 19 ? (ctx.elemType(1) ?? DataType.FLOAT) : DataType.FLOAT;
  ctx.setOutput(0, outT, ctx.shape(0));
});
registerRule(['QuantizeLinear', 'DequantizeLinear'], (ctx) => {
  // com.microsoft variants: same rule as opset 13.
  if (ctx.node.opType === 'QuantizeLinear') ctx.setOutput(0, ctx.elemType(2) ?? DataType.UINT8, ctx.shape(0));
  else ctx.setOutput(0, ctx.elemType(1) ?? DataType.FLOAT, ctx.shape(0));
}, 'com.microsoft');
registerRule('DynamicQuantizeLinear', (ctx) => {
  ctx.expectType(0, [DataType.FLOAT], 'x');
  ctx.setOutput(0, DataType.UINT8, ctx.shape(0));
  ctx.setOutput(1, DataType.FLOAT, []);
  ctx.setOutput(2, DataType.UINT8, []);
});

// Kept here for the registry's completeness: attention-free helpers exported models use.
registerRule('EyeLike', (ctx) => ctx.setOutput(0, ctx.node.hasAttribute('dtype') ? ctx.int('dtype', 1) : ctx.elemType(0), ctx.shape(0)));
registerRule('Einsum', (ctx: InferContext) => ctx.setOutput(0, ctx.sameType(ctx.node.inputs.map((_, i) => i)), undefined));
