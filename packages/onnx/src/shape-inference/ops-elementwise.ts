// Elementwise ops: unary (same shape and type), binary/variadic with broadcasting, comparisons.
import { DataType } from '../dtypes.js';
import { broadcast, type InferContext } from './context.js';
import { registerRule as register } from './registry.js';

// Rules are collected when this module loads and registered by register-all-rules.ts: an explicit
// call keeps bundlers (this package is `sideEffects: false`) from dropping the module.
const pending: Parameters<typeof register>[] = [];
const registerRule = (...args: Parameters<typeof register>): void => {
  pending.push(args);
};

export function registerElementwiseRules(): void {
  for (const args of pending) register(...args);
}

const UNARY = [
  'Abs', 'Acos', 'Acosh', 'Asin', 'Asinh', 'Atan', 'Atanh', 'Ceil', 'Cos', 'Cosh', 'Elu', 'Erf', 'Exp',
  'Floor', 'HardSigmoid', 'HardSwish', 'Identity', 'LeakyRelu', 'Log', 'Mish', 'Neg', 'Reciprocal', 'Relu',
  'Round', 'Selu', 'Celu', 'Sigmoid', 'Sign', 'Sin', 'Sinh', 'Softplus', 'Softsign', 'Sqrt', 'Tan', 'Tanh',
  'ThresholdedRelu', 'Shrink', 'Gelu', 'Softmax', 'LogSoftmax', 'Hardmax', 'CumSum', 'Trilu',
  'LpNormalization', 'MeanVarianceNormalization', 'BitwiseNot', 'Clip', 'Swish', 'CumProd',
];

function unary(ctx: InferContext): void {
  const t = ctx.input(0);
  if (ctx.node.opType === 'Clip') ctx.sameType([0, 1, 2]);
  if (t) ctx.setOutput(0, t.elemType, t.shape);
  if (ctx.node.opType === 'Identity') {
    const v = ctx.value(0);
    if (v) ctx.setValue(0, v.values, v.scalar);
  }
}
registerRule(UNARY, unary);
registerRule(['Gelu', 'FastGelu', 'BiasGelu', 'QuickGelu'], (ctx) => {
  const t = ctx.input(0);
  if (ctx.node.opType === 'BiasGelu' || ctx.node.opType === 'FastGelu') ctx.sameType([0, 1]);
  if (t) ctx.setOutput(0, t.elemType, ctx.node.opType === 'BiasGelu' ? broadcast(ctx, [t.shape, ctx.shape(1)]) : t.shape);
}, 'com.microsoft');

// Same shape and type as the data input.
registerRule(['ScatterElements', 'ScatterND', 'Scatter', 'RMSNormalization'], (ctx) => {
  const t = ctx.input(0);
  if (t) ctx.setOutput(0, t.elemType, t.shape);
});

registerRule(['IsNaN', 'IsInf'], (ctx) => ctx.setOutput(0, DataType.BOOL, ctx.shape(0)));
registerRule('Not', (ctx) => {
  ctx.expectType(0, [DataType.BOOL], 'X');
  ctx.setOutput(0, DataType.BOOL, ctx.shape(0));
});

const ARITH = ['Add', 'Sub', 'Mul', 'Div', 'Mod', 'BitShift', 'BitwiseAnd', 'BitwiseOr', 'BitwiseXor'];
const VARIADIC = ['Sum', 'Mean', 'Max', 'Min'];

function ints(v: { values: unknown[] }): v is { values: number[] } {
  return v.values.every((x) => typeof x === 'number');
}

registerRule(ARITH, (ctx) => {
  const t = ctx.sameType([0, 1]);
  const shape = broadcast(ctx, [ctx.shape(0), ctx.shape(1)]);
  ctx.setOutput(0, t, shape);
  // Shape arithmetic on small integer tensors.
  const a = ctx.value(0);
  const b = ctx.value(1);
  if (a && b && (a.values.length === b.values.length || a.values.length === 1 || b.values.length === 1)) {
    const n = Math.max(a.values.length, b.values.length);
    const get = (v: typeof a, i: number) => v.values[v.values.length === 1 ? 0 : i];
    const out = [];
    for (let i = 0; i < n; i++) {
      const x = get(a, i);
      const y = get(b, i);
      if (typeof x !== 'number' || typeof y !== 'number') {
        // x*1, x+0 keep a symbol.
        const op = ctx.node.opType;
        if ((op === 'Mul' || op === 'Div') && y === 1) out.push(x);
        else if (op === 'Mul' && x === 1) out.push(y);
        else if ((op === 'Add' || op === 'Sub') && y === 0) out.push(x);
        else if (op === 'Add' && x === 0) out.push(y);
        else out.push(undefined);
        continue;
      }
      switch (ctx.node.opType) {
        case 'Add':
          out.push(x + y);
          break;
        case 'Sub':
          out.push(x - y);
          break;
        case 'Mul':
          out.push(x * y);
          break;
        case 'Div':
          out.push(y === 0 ? undefined : Math.trunc(x / y));
          break;
        default:
          out.push(undefined);
      }
    }
    const isFloat = t === DataType.FLOAT || t === DataType.DOUBLE;
    if (!isFloat || (ints(a) && ints(b) && ctx.node.opType !== 'Div')) ctx.setValue(0, out, a.scalar && b.scalar);
  }
});
registerRule('Pow', (ctx) => ctx.setOutput(0, ctx.elemType(0), broadcast(ctx, [ctx.shape(0), ctx.shape(1)])));
registerRule('PRelu', (ctx) => ctx.setOutput(0, ctx.sameType([0, 1]), broadcast(ctx, [ctx.shape(0), ctx.shape(1)])));
registerRule(VARIADIC, (ctx) => {
  const idx = ctx.node.inputs.map((_, i) => i);
  ctx.setOutput(0, ctx.sameType(idx), broadcast(ctx, idx.map((i) => ctx.shape(i))));
});

registerRule(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual'], (ctx) => {
  ctx.sameType([0, 1]);
  ctx.setOutput(0, DataType.BOOL, broadcast(ctx, [ctx.shape(0), ctx.shape(1)]));
  const a = ctx.numbers(0);
  const b = ctx.numbers(1);
  if (a && b && ctx.node.opType === 'Equal' && (a.length === b.length || b.length === 1)) {
    ctx.setValue(0, a.map((x, i) => (x === b[b.length === 1 ? 0 : i] ? 1 : 0)), ctx.value(0)!.scalar);
  }
});
registerRule(['And', 'Or', 'Xor'], (ctx) => {
  ctx.expectType(0, [DataType.BOOL], 'A');
  ctx.expectType(1, [DataType.BOOL], 'B');
  ctx.setOutput(0, DataType.BOOL, broadcast(ctx, [ctx.shape(0), ctx.shape(1)]));
});

registerRule('Where', (ctx) => {
  ctx.expectType(0, [DataType.BOOL], 'condition');
  const t = ctx.sameType([1, 2], 'X/Y');
  ctx.setOutput(0, t, broadcast(ctx, [ctx.shape(0), ctx.shape(1), ctx.shape(2)]));
  const c = ctx.numbers(0);
  const x = ctx.value(1);
  const y = ctx.value(2);
  if (c && x && y) {
    const n = Math.max(c.length, x.values.length, y.values.length);
    const pick = (arr: readonly unknown[], i: number) => arr[arr.length === 1 ? 0 : i];
    const out = Array.from({ length: n }, (_, i) => (pick(c, i) ? pick(x.values, i) : pick(y.values, i)) as number | string | undefined);
    ctx.setValue(0, out, x.scalar && y.scalar && c.length === 1);
  }
});

registerRule('Dropout', (ctx) => {
  const t = ctx.input(0);
  if (!t) return;
  ctx.setOutput(0, t.elemType, t.shape);
  ctx.setOutput(1, DataType.BOOL, t.shape);
});
