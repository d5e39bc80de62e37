// Unary quantized ops as a 256-entry lookup table built once per set of quantization parameters,
// as ONNX Runtime does: table[q] = quantize(f(dequantize(q))).

import type { OpConfig, OpContext } from '../../op-registry.js';
import { erf } from '../math.js';
import { qRange, quantizeValue, scalarParam } from './quant-params.js';
import { constantInWasm, inWasm, wasmKernels } from './wasm-bridge.js';
import { KeyedPlan, lutBroadcastInto, lutColumnsInto, lutInto, type ChunkPlan } from '@octet/kernels';

/** table indexed by the byte of x (int8 values index as their uint8 bit pattern). */
export function buildLookupTable(signed: boolean, sx: number, zx: number, sy: number, zy: number, f: (v: number) => number): Uint8Array {
  const [qmin, qmax] = signed ? [-128, 127] : [0, 255];
  const table = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    const q = signed ? (i << 24) >> 24 : i;
    const x = Math.fround(Math.fround(q - zx) * Math.fround(sx));
    table[i] = quantizeValue(Math.fround(f(x)), Math.fround(sy), zy, qmin, qmax) & 0xff;
  }
  return table;
}

/** An op with inputs X, X_scale, X_zero_point, Y_scale, Y_zero_point computing f elementwise. */
export function qlinearLookup(opType: string, makeFn: (ctx: OpContext) => (v: number) => number): OpConfig {
  return {
    opType,
    domain: 'com.microsoft',
    minOpset: 1,
    maxOpset: 1,
    prepare(ctx) {
      const x = ctx.input(0);
      if (x.dtype !== 'uint8' && x.dtype !== 'int8') ctx.fail(`X must be uint8 or int8, got ${x.dtype}`);
      qRange(x.dtype);
      const signed = x.dtype === 'int8';
      const table = buildLookupTable(
        signed,
        scalarParam(ctx, 1, 'X_scale'),
        scalarParam(ctx, 2, 'X_zero_point'),
        scalarParam(ctx, 3, 'Y_scale'),
        scalarParam(ctx, 4, 'Y_zero_point'),
        makeFn(ctx),
      );
      const k = wasmKernels(ctx);
      const tablePtr = k ? constantInWasm(ctx, k, `lut:${table.join()}`, table) : 0;
      const split = new KeyedPlan<ChunkPlan>();
      return {
        outputs: [{ dtype: x.dtype, dims: x.dims }],
        run(inputs, outputs) {
          const xi = inputs[0].data as Uint8Array;
          if (k && inWasm(k, xi, outputs[0].data)) {
            lutInto(k, xi.byteOffset, outputs[0].data.byteOffset, xi.length, tablePtr, split);
            return;
          }
          const yo = outputs[0].data;
          // Int8 data read through its bytes: index = value & 0xff.
          for (let i = 0; i < xi.length; i++) yo[i] = signed ? (table[xi[i] & 0xff] << 24) >> 24 : table[xi[i]];
        },
      };
    },
  };
}

export const qLinearSigmoidConfig = qlinearLookup('QLinearSigmoid', () => (v) => Math.fround(1 / (1 + Math.exp(-v))));
export const qLinearLeakyReluConfig = qlinearLookup('QLinearLeakyRelu', (ctx) => {
  const alpha = Math.fround(ctx.attrs.float('alpha', 0.01));
  return (v) => (v >= 0 ? v : Math.fround(v * alpha));
});

/** One step of a fused float chain: a unary op, or a binary op with a scalar constant. */
export interface ChainStep {
  readonly op: string;
  readonly constant?: number;
  /** The constant is the first operand (c − x, c / x). */
  readonly constantFirst?: boolean;
}

/** Unary float ops a lookup chain may contain, with the float math the float ops use. */
export const LOOKUP_UNARY: Readonly<Record<string, (v: number) => number>> = {
  Erf: erf,
  Tanh: Math.tanh,
  Sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  Relu: (v) => (v > 0 ? v : 0),
  Exp: Math.exp,
  Neg: (v) => -v,
  Abs: Math.abs,
  Sqrt: Math.sqrt,
};

function chainFunction(ctx: OpContext, steps: readonly ChainStep[]): (v: number) => number {
  const fns = steps.map((s): ((v: number) => number) => {
    const u = LOOKUP_UNARY[s.op];
    if (u) return u;
    const c = Math.fround(s.constant ?? NaN);
    if (Number.isNaN(c)) return ctx.fail(`step ${s.op} has no constant`);
    const l = s.constantFirst === true;
    switch (s.op) {
      case 'Add':
        return (v) => v + c;
      case 'Mul':
        return (v) => v * c;
      case 'Sub':
        return l ? (v) => c - v : (v) => v - c;
      case 'Div':
        return l ? (v) => c / v : (v) => v / c;
      default:
        return ctx.fail(`unsupported chain step ${s.op}`);
    }
  });
  // float32 after every step, as the float ops store their results
  return (v) => {
    let x = v;
    for (const f of fns) x = Math.fround(f(x));
    return x;
  };
}

/** ai.octet QLinearLookupChain (qdq-lookup-chain pattern): DQ → element-wise float ops → Q as one table. */
export const qLinearLookupChainConfig: OpConfig = {
  ...qlinearLookup('QLinearLookupChain', (ctx) => {
    let steps: ChainStep[];
    try {
      steps = JSON.parse(ctx.attrs.string('steps')) as ChainStep[];
    } catch {
      return ctx.fail('steps attribute is not valid JSON');
    }
    return chainFunction(ctx, steps);
  }),
  // the internal domain (index.ts's OCTET_DOMAIN; not imported: index.ts imports this module)
  domain: 'ai.octet',
};

/**
 * ai.octet QLinearLookupTable (qdq-lookup-subgraph pattern): Y = Table[X] with Table a constant [256]
 * of Y's 8-bit type, or [N, 256] with one table per column of X's last axis (N = that axis).
 */
export const qLinearLookupTableConfig: OpConfig = {
  opType: 'QLinearLookupTable',
  domain: 'ai.octet',
  minOpset: 1,
  maxOpset: 1,
  prepare(ctx) {
    const x = ctx.input(0);
    const t = ctx.constant(1);
    if (x.dtype !== 'uint8' && x.dtype !== 'int8') ctx.fail(`X must be uint8 or int8, got ${x.dtype}`);
    if (!t || (t.dtype !== 'uint8' && t.dtype !== 'int8') || t.data.length % 256 !== 0) return ctx.fail('Table must be a constant uint8/int8 tensor of 256 entries per column');
    const N = t.dims.length === 2 ? t.dims[0] : 1;
    const perColumn = t.dims.length === 2;
    const last = x.dims.length ? x.dims[x.dims.length - 1] : 1;
    // X's last axis 1 (or a scalar X) broadcasts against the per-column constants, as it did in the
    // subgraph the tables replace: Y gets N columns
    const broadcast = perColumn && last === 1 && N !== 1;
    if (perColumn && !broadcast && last !== N) ctx.fail(`X's last axis is ${last}, the tables are for ${N} columns`);
    const yDims = broadcast ? [...x.dims.slice(0, -1), N] : x.dims;
    const table = new Uint8Array(t.data.buffer, t.data.byteOffset, 256 * N);
    const k = wasmKernels(ctx);
    const tablePtr = k ? ctx.constantPtr(1) : 0;
    const split = new KeyedPlan<ChunkPlan>();
    return {
      outputs: [{ dtype: t.dtype, dims: yDims }],
      run(inputs, outputs) {
        const xi = inputs[0].data as Uint8Array;
        const yo = outputs[0].data;
        if (k && inWasm(k, xi, yo)) {
          if (broadcast) lutBroadcastInto(k, xi.byteOffset, yo.byteOffset, xi.length, N, tablePtr, split);
          else if (perColumn) lutColumnsInto(k, xi.byteOffset, yo.byteOffset, xi.length / N, N, tablePtr, split);
          else lutInto(k, xi.byteOffset, yo.byteOffset, xi.length, tablePtr, split);
          return;
        }
        if (broadcast) {
          const xb = new Uint8Array(xi.buffer, xi.byteOffset, xi.length);
          const yb = new Uint8Array(yo.buffer, yo.byteOffset, xi.length * N);
          for (let r = 0; r < xb.length; r++) for (let j = 0; j < N; j++) yb[r * N + j] = table[j * 256 + xb[r]];
          return;
        }
        const xb = new Uint8Array(xi.buffer, xi.byteOffset, xi.length);
        const yb = new Uint8Array(yo.buffer, yo.byteOffset, xi.length);
        for (let i = 0; i < xb.length; i++) yb[i] = table[(perColumn ? (i % N) * 256 : 0) + xb[i]];
      },
    };
  },
};
