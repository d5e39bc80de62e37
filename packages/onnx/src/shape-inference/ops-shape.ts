// Shape-manipulating ops and constants, with value propagation for shape arithmetic.
import { DataType } from '../dtypes.js';
import type { Dim, Shape } from '../ir/types.js';
import { tensorDims, tensorValues } from '../tensor-codec.js';
import type { TensorProto } from '../proto.js';
import { broadcast, normAxis, product, type InferContext, type SymValue } from './context.js';
import { concatShape } from './ops-linear.js';
import { registerRule as register } from './registry.js';

// Rules are collected when this module loads and registered by register-all-rules.ts: an explicit
// call keeps bundlers (this package is `sideEffects: false`) from dropping the module.
const pending: Parameters<typeof register>[] = [];
const registerRule = (...args: Parameters<typeof register>): void => {
  pending.push(args);
};

export function registerShapeRules(): void {
  for (const args of pending) register(...args);
}
import { unknownDims } from '../limits.js';

const INDEX_TYPES = [DataType.INT32, DataType.INT64];

/** Values of a small integer tensor, for value propagation. */
export function symValueOfTensor(t: TensorProto): SymValue | undefined {
  if (t.dataType !== DataType.INT64 && t.dataType !== DataType.INT32) return undefined;
  const dims = tensorDims(t);
  if (dims.length > 1) return undefined;
  const n = dims.length ? dims[0] : 1;
  if (n > 64 || t.dataLocation === 1) return undefined;
  try {
    const v = tensorValues(t) as BigInt64Array | Int32Array;
    return { values: Array.from(v as ArrayLike<number | bigint>, Number), scalar: dims.length === 0 };
  } catch {
    return undefined;
  }
}

function constant(ctx: InferContext): void {
  const n = ctx.node;
  const t = n.getTensor('value');
  if (t) {
    ctx.setOutput(0, t.dataType, tensorDims(t));
    const v = symValueOfTensor(t);
    if (v) ctx.setValue(0, v.values, v.scalar);
    return;
  }
  const fl = n.getFloat('value_float');
  if (n.hasAttribute('value_float') && fl !== undefined) return ctx.setOutput(0, DataType.FLOAT, []);
  if (n.hasAttribute('value_floats')) return ctx.setOutput(0, DataType.FLOAT, [n.getFloats('value_floats')!.length]);
  if (n.hasAttribute('value_int')) {
    ctx.setOutput(0, DataType.INT64, []);
    return ctx.setValue(0, [n.getInt('value_int')!], true);
  }
  if (n.hasAttribute('value_ints')) {
    const v = n.getInts('value_ints')!;
    ctx.setOutput(0, DataType.INT64, [v.length]);
    return ctx.setValue(0, v);
  }
  if (n.hasAttribute('value_string')) return ctx.setOutput(0, DataType.STRING, []);
  if (n.hasAttribute('value_strings')) return ctx.setOutput(0, DataType.STRING, [n.getStrings('value_strings')!.length]);
}
registerRule('Constant', constant);

registerRule(['Cast', 'CastLike'], (ctx) => {
  const to = ctx.node.opType === 'CastLike' ? ctx.elemType(1) : ctx.int('to', 0);
  ctx.setOutput(0, to, ctx.shape(0));
  const v = ctx.value(0);
  if (v && (to === DataType.INT64 || to === DataType.INT32)) ctx.setValue(0, v.values, v.scalar);
});

registerRule('Shape', (ctx) => {
  const s = ctx.shape(0);
  const r = s?.length;
  let start = ctx.int('start', 0);
  let end = ctx.int('end', r ?? 0);
  if (r === undefined) return ctx.setOutput(0, DataType.INT64, [undefined]);
  if (!ctx.node.hasAttribute('end')) end = r;
  start = Math.min(Math.max(start < 0 ? start + r : start, 0), r);
  end = Math.min(Math.max(end < 0 ? end + r : end, 0), r);
  const dims = s!.slice(start, Math.max(start, end));
  ctx.setOutput(0, DataType.INT64, [dims.length]);
  ctx.setValue(0, dims);
});
registerRule('Size', (ctx) => {
  ctx.setOutput(0, DataType.INT64, []);
  const s = ctx.shape(0);
  const p = s ? product(s) : undefined;
  if (p !== undefined) ctx.setValue(0, [p], true);
});

/** Output dims of Reshape, resolving 0 (copy) and -1 (infer), with symbolic dims. */
export function reshapeDims(ctx: InferContext, input: Shape | undefined, target: Dim[], allowZero: boolean): Shape {
  const out: Shape = target.map((d, i) => (d === 0 && !allowZero ? (input ? input[i] : undefined) : d));
  const neg = out.findIndex((d) => d === -1);
  if (out.filter((d) => d === -1).length > 1) ctx.fail('Reshape: more than one -1 in shape');
  for (const d of out) if (typeof d === 'number' && d < -1) ctx.fail(`Reshape: invalid dim ${d}`);
  if (neg < 0) {
    const a = input ? product(input) : undefined;
    const b = product(out);
    if (a !== undefined && b !== undefined && a !== b) ctx.fail(`Reshape: cannot reshape ${a} elements into ${b}`);
    return out;
  }
  if (!input) {
    out[neg] = undefined;
    return out;
  }
  // Split both sides into a numeric product and a multiset of symbols; cancel common symbols.
  let pin = 1;
  const sin: string[] = [];
  for (const d of input) {
    if (typeof d === 'number') pin *= d;
    else if (typeof d === 'string') sin.push(d);
    else {
      out[neg] = undefined;
      return out;
    }
  }
  let pout = 1;
  for (let i = 0; i < out.length; i++) {
    if (i === neg) continue;
    const d = out[i];
    if (typeof d === 'number') pout *= d;
    else if (typeof d === 'string') {
      const k = sin.indexOf(d);
      if (k < 0) {
        out[neg] = undefined;
        return out;
      }
      sin.splice(k, 1);
    } else {
      out[neg] = undefined;
      return out;
    }
  }
  if (sin.length === 0) {
    if (pout === 0 || pin % pout !== 0) ctx.fail(`Reshape: cannot reshape ${pin} elements into multiples of ${pout}`);
    out[neg] = pin / pout;
  } else out[neg] = sin.length === 1 && pin === pout ? sin[0] : undefined;
  return out;
}

registerRule('Reshape', (ctx) => {
  ctx.expectType(1, [DataType.INT64], 'shape');
  const input = ctx.shape(0);
  let target: Dim[] | undefined;
  if (ctx.opset < 5) target = ctx.ints('shape');
  else target = ctx.value(1)?.values;
  if (!target) {
    const s = ctx.shape(1);
    return ctx.setOutput(0, ctx.elemType(0), s && typeof s[0] === 'number' ? unknownDims(s[0]) : undefined);
  }
  const out = reshapeDims(ctx, input, target, ctx.int('allowzero', 0) === 1);
  ctx.setOutput(0, ctx.elemType(0), out);
  const v = ctx.value(0);
  if (v) ctx.setValue(0, v.values, out.length === 0);
});

registerRule('Flatten', (ctx) => {
  const s = ctx.shape(0);
  if (!s) return ctx.setOutput(0, ctx.elemType(0), [undefined, undefined]);
  const axis = ctx.int('axis', 1);
  const a = axis < 0 ? axis + s.length : axis;
  if (a < 0 || a > s.length) ctx.fail(`axis ${axis} out of range for rank ${s.length}`);
  const outer = s.slice(0, a);
  const inner = s.slice(a);
  const fold = (d: Shape): Dim => {
    const p = product(d);
    if (p !== undefined) return p;
    const nonOne = d.filter((x) => x !== 1);
    return nonOne.length === 1 ? nonOne[0] : undefined;
  };
  ctx.setOutput(0, ctx.elemType(0), [fold(outer), fold(inner)]);
});

registerRule('Transpose', (ctx) => {
  const s = ctx.shape(0);
  if (!s) return ctx.setOutput(0, ctx.elemType(0), undefined);
  const perm = ctx.ints('perm') ?? s.map((_, i) => s.length - 1 - i);
  if (perm.length !== s.length || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
    ctx.fail(`perm [${perm.join(', ')}] is not a permutation of rank ${s.length}`);
  }
  ctx.setOutput(0, ctx.elemType(0), perm.map((p) => s[p]));
});

registerRule('Concat', (ctx) => {
  const idx = ctx.node.inputs.map((_, i) => i);
  ctx.setOutput(0, ctx.sameType(idx), concatShape(ctx, idx));
  const vals = idx.map((i) => ctx.value(i));
  if (vals.every((v) => v && !v.scalar)) ctx.setValue(0, vals.flatMap((v) => v!.values));
});

function axesOf(ctx: InferContext, inputIndex: number, sinceOpset: number): number[] | undefined {
  if (ctx.opset >= sinceOpset) {
    if (!ctx.hasInput(inputIndex)) return undefined;
    return ctx.numbers(inputIndex) ?? ctx.fail('axes must be constant');
  }
  return ctx.ints('axes');
}

registerRule('Unsqueeze', (ctx) => {
  const s = ctx.shape(0);
  let axes: number[] | undefined;
  try {
    axes = axesOf(ctx, 1, 13);
  } catch {
    return ctx.setOutput(0, ctx.elemType(0), undefined);
  }
  if (!axes) return ctx.fail('Unsqueeze needs axes');
  if (!s) return ctx.setOutput(0, ctx.elemType(0), undefined);
  const r = s.length + axes.length;
  const norm = axes.map((a) => normAxis(ctx, a, r));
  if (new Set(norm).size !== norm.length) ctx.fail('Unsqueeze: repeated axes');
  const out: Shape = [];
  let j = 0;
  for (let i = 0; i < r; i++) out.push(norm.includes(i) ? 1 : s[j++]);
  ctx.setOutput(0, ctx.elemType(0), out);
  const v = ctx.value(0);
  if (v && out.length <= 1) ctx.setValue(0, v.values, false);
});

registerRule('Squeeze', (ctx) => {
  const s = ctx.shape(0);
  let axes: number[] | undefined;
  try {
    axes = axesOf(ctx, 1, 13);
  } catch {
    return ctx.setOutput(0, ctx.elemType(0), undefined);
  }
  if (!s) return ctx.setOutput(0, ctx.elemType(0), undefined);
  let out: Shape;
  if (axes) {
    const norm = axes.map((a) => normAxis(ctx, a, s.length));
    for (const a of norm) if (typeof s[a] === 'number' && s[a] !== 1) ctx.fail(`Squeeze: dim ${a} is ${s[a]}, not 1`);
    out = s.filter((_, i) => !norm.includes(i));
  } else {
    if (s.some((d) => typeof d !== 'number')) return ctx.setOutput(0, ctx.elemType(0), undefined);
    out = s.filter((d) => d !== 1);
  }
  ctx.setOutput(0, ctx.elemType(0), out);
  const v = ctx.value(0);
  if (v && out.length === 0 && v.values.length === 1) ctx.setValue(0, v.values, true);
});

registerRule('Expand', (ctx) => {
  ctx.expectType(1, [DataType.INT64], 'shape');
  const target = ctx.value(1)?.values;
  const s = ctx.shape(0);
  if (!target) {
    const ts = ctx.shape(1);
    return ctx.setOutput(0, ctx.elemType(0), ts && typeof ts[0] === 'number' && s ? unknownDims(Math.max(ts[0], s.length)) : undefined);
  }
  ctx.setOutput(0, ctx.elemType(0), broadcast(ctx, [s, target]));
});

registerRule('Gather', (ctx) => {
  ctx.expectType(1, INDEX_TYPES, 'indices');
  const data = ctx.shape(0);
  const idx = ctx.shape(1);
  if (!data || !idx) return ctx.setOutput(0, ctx.elemType(0), undefined);
  const a = normAxis(ctx, ctx.int('axis', 0), data.length);
  ctx.setOutput(0, ctx.elemType(0), [...data.slice(0, a), ...idx, ...data.slice(a + 1)]);
  const v = ctx.value(0);
  const ix = ctx.numbers(1);
  if (v && ix && a === 0 && data.length === 1) {
    const n = v.values.length;
    const picked = ix.map((i) => v.values[i < 0 ? i + n : i]);
    ctx.setValue(0, picked, idx.length === 0);
  }
});
registerRule('GatherElements', (ctx) => {
  ctx.expectType(1, INDEX_TYPES, 'indices');
  ctx.setOutput(0, ctx.elemType(0), ctx.shape(1));
});
registerRule('GatherND', (ctx) => {
  const data = ctx.shape(0);
  const idx = ctx.shape(1);
  const b = ctx.int('batch_dims', 0);
  if (!data || !idx || typeof idx[idx.length - 1] !== 'number') return ctx.setOutput(0, ctx.elemType(0), undefined);
  const last = idx[idx.length - 1] as number;
  ctx.setOutput(0, ctx.elemType(0), [...idx.slice(0, -1), ...data.slice(b + last)]);
});

const INT64_MAX = 2 ** 63 - 1;

registerRule('Slice', (ctx) => {
  const s = ctx.shape(0);
  let starts: number[] | undefined;
  let ends: number[] | undefined;
  let axes: number[] | undefined;
  let steps: number[] | undefined;
  if (ctx.opset < 10) {
    starts = ctx.ints('starts');
    ends = ctx.ints('ends');
    axes = ctx.ints('axes');
  } else {
    ctx.expectType(1, INDEX_TYPES, 'starts');
    ctx.expectType(2, INDEX_TYPES, 'ends');
    starts = ctx.numbers(1);
    ends = ctx.numbers(2);
    axes = ctx.hasInput(3) ? ctx.numbers(3) : undefined;
    steps = ctx.hasInput(4) ? ctx.numbers(4) : undefined;
    if ((ctx.hasInput(3) && !axes) || (ctx.hasInput(4) && !steps)) starts = undefined;
  }
  if (!s) return ctx.setOutput(0, ctx.elemType(0), undefined);
  if (!starts || !ends) return ctx.setOutput(0, ctx.elemType(0), s.map(() => undefined));
  if (starts.length !== ends.length) ctx.fail('starts and ends differ in length');
  const ax = (axes ?? starts.map((_, i) => i)).map((a) => normAxis(ctx, a, s.length));
  const st = steps ?? starts.map(() => 1);
  const out: Shape = [...s];
  const v = ctx.value(0);
  let sliced: Dim[] | undefined = v ? [...v.values] : undefined;
  for (let k = 0; k < ax.length; k++) {
    const a = ax[k];
    const step = st[k];
    if (step === 0) ctx.fail('Slice step cannot be 0');
    const d = s[a];
    if (typeof d !== 'number') {
      // Whole-axis slices keep a symbolic dim.
      out[a] = starts[k] === 0 && ends[k] >= INT64_MAX / 2 && step === 1 ? d : undefined;
      sliced = undefined;
      continue;
    }
    const clamp = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);
    let b = starts[k] < 0 ? starts[k] + d : starts[k];
    let e = ends[k] < 0 ? ends[k] + d : ends[k];
    if (step > 0) {
      b = clamp(b, 0, d);
      e = clamp(e, 0, d);
    } else {
      b = clamp(b, -1, d - 1);
      e = clamp(e, -1, d - 1);
    }
    const len = Math.max(0, Math.ceil((e - b) / step));
    out[a] = len;
    if (sliced && a === 0 && s.length === 1 && d === sliced.length) {
      const picked: Dim[] = [];
      for (let i = 0, p = b; i < len; i++, p += step) picked.push(sliced[p]);
      sliced = picked;
    }
  }
  ctx.setOutput(0, ctx.elemType(0), out);
  if (sliced && s.length === 1) ctx.setValue(0, sliced);
});

registerRule('Range', (ctx) => {
  const t = ctx.sameType([0, 1, 2]);
  const [a, b, c] = [ctx.numbers(0), ctx.numbers(1), ctx.numbers(2)];
  if (a && b && c && c[0] !== 0) {
    const n = Math.max(Math.ceil((b[0] - a[0]) / c[0]), 0);
    ctx.setOutput(0, t, [n]);
    if (n <= 64 && (t === DataType.INT64 || t === DataType.INT32)) ctx.setValue(0, Array.from({ length: n }, (_, i) => a[0] + i * c[0]));
    return;
  }
  // range(0, n, 1) has n elements even when n is symbolic.
  const limit = ctx.value(1)?.values[0];
  ctx.setOutput(0, t, [a?.[0] === 0 && c?.[0] === 1 ? limit : undefined]);
});

registerRule('ConstantOfShape', (ctx) => {
  ctx.expectType(0, [DataType.INT64], 'input');
  const v = ctx.node.getTensor('value');
  const dt = v ? v.dataType : DataType.FLOAT;
  const shape = ctx.value(0)?.values;
  if (!shape) {
    const s = ctx.shape(0);
    return ctx.setOutput(0, dt, s && typeof s[0] === 'number' ? unknownDims(s[0]) : undefined);
  }
  ctx.setOutput(0, dt, shape);
  const fill = v ? symValueOfTensor(v) : undefined;
  if (fill && shape.length === 1 && typeof shape[0] === 'number' && shape[0] <= 64) ctx.setValue(0, Array.from({ length: shape[0] }, () => fill.values[0]));
});

registerRule('Tile', (ctx) => {
  const s = ctx.shape(0);
  const r = ctx.numbers(1);
  if (!s) return ctx.setOutput(0, ctx.elemType(0), undefined);
  if (!r) return ctx.setOutput(0, ctx.elemType(0), s.map(() => undefined));
  if (r.length !== s.length) ctx.fail(`Tile: ${r.length} repeats for rank ${s.length}`);
  ctx.setOutput(0, ctx.elemType(0), s.map((d, i) => (r[i] === 1 ? d : typeof d === 'number' ? d * r[i] : undefined)));
});

registerRule('Pad', (ctx) => {
  const s = ctx.shape(0);
  if (!s) return ctx.setOutput(0, ctx.elemType(0), undefined);
  const pads = ctx.opset < 11 ? ctx.ints('pads') : ctx.numbers(1);
  if (!pads) return ctx.setOutput(0, ctx.elemType(0), s.map(() => undefined));
  const axes = ctx.hasInput(3) ? ctx.numbers(3)?.map((a) => normAxis(ctx, a, s.length)) : s.map((_, i) => i);
  if (!axes) return ctx.setOutput(0, ctx.elemType(0), s.map(() => undefined));
  const out = [...s];
  axes.forEach((a, k) => {
    const d = out[a];
    const p = pads[k] + pads[k + axes.length];
    out[a] = typeof d === 'number' ? d + p : p === 0 ? d : undefined;
  });
  ctx.setOutput(0, ctx.elemType(0), out);
});

registerRule('Split', (ctx) => {
  const s = ctx.shape(0);
  const n = ctx.node.outputs.length;
  if (!s) {
    for (let i = 0; i < n; i++) ctx.setOutput(i, ctx.elemType(0), undefined);
    return;
  }
  const a = normAxis(ctx, ctx.int('axis', 0), s.length);
  const split = ctx.opset >= 13 ? (ctx.hasInput(1) ? ctx.numbers(1) : undefined) : ctx.ints('split');
  const splitUnknown = ctx.opset >= 13 && ctx.hasInput(1) && !split;
  const d = s[a];
  for (let i = 0; i < n; i++) {
    let len: Dim;
    if (splitUnknown) len = undefined;
    else if (split) len = split[i];
    else if (typeof d === 'number') {
      const chunk = Math.ceil(d / n);
      len = i < n - 1 ? chunk : d - chunk * (n - 1);
    }
    const out = [...s];
    out[a] = len;
    ctx.setOutput(i, ctx.elemType(0), out);
  }
});

registerRule('NonZero', (ctx) => {
  const s = ctx.shape(0);
  ctx.setOutput(0, DataType.INT64, [s ? s.length : undefined, undefined]);
});

registerRule('TopK', (ctx) => {
  const s = ctx.shape(0);
  const k = ctx.opset >= 10 ? ctx.numbers(1)?.[0] : ctx.int('k', -1);
  let out: Shape | undefined;
  if (s) {
    const a = normAxis(ctx, ctx.int('axis', -1), s.length);
    out = [...s];
    out[a] = k !== undefined && k >= 0 ? k : undefined;
  }
  ctx.setOutput(0, ctx.elemType(0), out);
  ctx.setOutput(1, DataType.INT64, out);
});

registerRule(['Resize', 'Upsample'], (ctx) => {
  const s = ctx.shape(0);
  if (!s) return ctx.setOutput(0, ctx.elemType(0), undefined);
  const sizes = ctx.node.opType === 'Resize' && ctx.hasInput(3) ? ctx.numbers(3) : undefined;
  if (sizes && sizes.length === s.length) return ctx.setOutput(0, ctx.elemType(0), sizes);
  // Float scales are only known as attributes (Upsample before opset 9); inputs are not tracked.
  const scales = ctx.opset < 9 && ctx.node.opType === 'Upsample' ? ctx.node.getFloats('scales') : undefined;
  if (scales && scales.length === s.length) {
    return ctx.setOutput(0, ctx.elemType(0), s.map((d, i) => (typeof d === 'number' ? Math.floor(d * scales[i]) : scales[i] === 1 ? d : undefined)));
  }
  ctx.setOutput(0, ctx.elemType(0), s.map((d, i) => (i < 2 ? d : undefined)));
});

registerRule(['DepthToSpace', 'SpaceToDepth'], (ctx) => {
  const s = ctx.shape(0);
  const b = ctx.int('blocksize', 1);
  if (!s || s.length !== 4) return ctx.setOutput(0, ctx.elemType(0), s ? s.map(() => undefined) : undefined);
  const num = (d: Dim, f: (x: number) => number) => (typeof d === 'number' ? f(d) : undefined);
  const d2s = ctx.node.opType === 'DepthToSpace';
  ctx.setOutput(0, ctx.elemType(0), [
    s[0],
    num(s[1], (c) => (d2s ? c / (b * b) : c * b * b)),
    num(s[2], (h) => (d2s ? h * b : h / b)),
    num(s[3], (w) => (d2s ? w * b : w / b)),
  ]);
});
