// Factory for com.microsoft QLinearAdd / QLinearMul (broadcasting), with ONNX Runtime's MLAS
// float formulas:
//   add: C = round(sA/sC·a + sB/sC·b + (zC − (sA/sC·zA + sB/sC·zB)))
//   mul: C = round((a − zA)(b − zB)·(sA·sB/sC)) + zC
// The per-operand products are 256-entry tables (same float arithmetic, no per-element
// multiply). Also registered as ai.octet QLinearAdd / QLinearMul, the fused DQ → Add/Mul → Q.

import type { OpConfig } from '../../op-registry.js';
import { broadcastStrides } from '../../shape-utils.js';
import { sizeOf, type Tensor } from '../../tensor.js';
import { planBroadcast } from '../broadcast.js';
import { KeyedPlan, lutColumnsInto, lutInto, planBroadcast as planKernelBroadcast, qlinearBinaryInto, type BroadcastPlan as KernelBroadcastPlan, type ChunkPlan, type Kernels, type QLinearParams } from '@octet/kernels';
import { qRange, scalarParam } from './quant-params.js';
import { constantInWasm, inWasm, wasmKernels } from './wasm-bridge.js';

const MAGIC = 6755399441055744;

/** Flat input offsets of every output element under broadcasting (null: same shape, identity). */
export function broadcastIndex(dims: readonly number[], outDims: readonly number[], into: Int32Array): Int32Array | null {
  if (sizeOf(dims) === sizeOf(outDims)) return null;
  const st = broadcastStrides(dims, outDims);
  const r = outDims.length;
  const counter = new Array<number>(r).fill(0);
  let off = 0;
  const size = sizeOf(outDims);
  for (let i = 0; i < size; i++) {
    into[i] = off;
    for (let d = r - 1; d >= 0; d--) {
      counter[d]++;
      off += st[d];
      if (counter[d] < outDims[d]) break;
      off -= st[d] * counter[d];
      counter[d] = 0;
    }
  }
  return into;
}

/**
 * The kernel's results for every byte of the variable operand with the other operand fixed to the
 * one-value constant at `constPtr` (side 0: A is the constant): table[byte] = op(…).
 */
function scalarOperandTable(k: Kernels, op: 'add' | 'mul', params: QLinearParams, constSide: 0 | 1, constPtr: number): Uint8Array {
  const x = k.heap.alloc(256);
  const y = k.heap.alloc(256);
  try {
    for (let i = 0; i < 256; i++) k.heap.u8[x + i] = i;
    const plan = constSide === 0 ? planKernelBroadcast([1], [256]) : planKernelBroadcast([256], [1]);
    if (constSide === 0) qlinearBinaryInto(k, op, constPtr, x, y, plan, params);
    else qlinearBinaryInto(k, op, x, constPtr, y, plan, params);
    return k.heap.u8.slice(y, y + 256);
  } finally {
    k.heap.free(x);
    k.heap.free(y);
  }
}

/**
 * Which operand (0: A, 1: B) is a constant of N values laid along the other operand's last axis
 * (dims [N] or [1, …, 1, N], the other operand not constant and of rank ≥ its rank), if any.
 */
function columnConstantSide(
  aConst: Tensor | undefined, bConst: Tensor | undefined, aDims: readonly number[], bDims: readonly number[], aAny: Tensor | undefined, bAny: Tensor | undefined,
): 0 | 1 | undefined {
  const fits = (c: Tensor | undefined, other: readonly number[], otherConst: Tensor | undefined) => {
    if (!c || otherConst || other.length === 0 || c.dims.length > other.length) return false;
    const N = other[other.length - 1];
    return N > 1 && c.data.length === N && c.dims[c.dims.length - 1] === N && sizeOf(other) > 0;
  };
  if (fits(aConst, bDims, bAny)) return 0;
  if (fits(bConst, aDims, aAny)) return 1;
  return undefined;
}

/** tables[n·256 + byte] = op with the constant's column n and the other operand = byte (kernel results). */
function columnTables(k: Kernels, op: 'add' | 'mul', params: QLinearParams, constSide: 0 | 1, constPtr: number, N: number): Uint8Array {
  const x = k.heap.alloc(256 * N);
  const y = k.heap.alloc(256 * N);
  try {
    for (let i = 0; i < 256; i++) k.heap.u8.fill(i, x + i * N, x + (i + 1) * N);
    const plan = constSide === 0 ? planKernelBroadcast([N], [256, N]) : planKernelBroadcast([256, N], [N]);
    if (constSide === 0) qlinearBinaryInto(k, op, constPtr, x, y, plan, params);
    else qlinearBinaryInto(k, op, x, constPtr, y, plan, params);
    const out = k.heap.u8.subarray(y, y + 256 * N);
    const tables = new Uint8Array(256 * N);
    for (let i = 0; i < 256; i++) for (let n = 0; n < N; n++) tables[n * 256 + i] = out[i * N + n];
    return tables;
  } finally {
    k.heap.free(x);
    k.heap.free(y);
  }
}

export function qlinearBinary(opType: 'QLinearAdd' | 'QLinearMul'): OpConfig {
  return {
    opType,
    domain: 'com.microsoft',
    minOpset: 1,
    maxOpset: 1,
    prepare(ctx) {
      const a = ctx.input(0);
      const b = ctx.input(3);
      if (a.dtype !== 'uint8' && a.dtype !== 'int8') ctx.fail(`A must be uint8 or int8, got ${a.dtype}`);
      if (b.dtype !== a.dtype) ctx.fail(`B is ${b.dtype}, A is ${a.dtype}`);
      const signed = a.dtype === 'int8';
      const sa = Math.fround(scalarParam(ctx, 1, 'A_scale'));
      const za = scalarParam(ctx, 2, 'A_zero_point');
      const sb = Math.fround(scalarParam(ctx, 4, 'B_scale'));
      const zb = scalarParam(ctx, 5, 'B_zero_point');
      const sc = Math.fround(scalarParam(ctx, 6, 'C_scale'));
      const zc = scalarParam(ctx, 7, 'C_zero_point');
      const [qmin, qmax] = qRange(a.dtype);
      // Tables indexed by the operand's byte (int8 as its bit pattern).
      const ta = new Float64Array(256);
      const tb = new Float64Array(256);
      const add = opType === 'QLinearAdd';
      const rA = Math.fround(sa / sc);
      const rB = Math.fround(sb / sc);
      const fixed = Math.fround(zc - Math.fround(Math.fround(rA * za) + Math.fround(rB * zb)));
      const mult = Math.fround(Math.fround(sa * sb) / sc);
      for (let i = 0; i < 256; i++) {
        const v = signed ? (i << 24) >> 24 : i;
        ta[i] = add ? Math.fround(rA * v) : v - za;
        tb[i] = add ? Math.fround(rB * v) : v - zb;
      }
      const plan = planBroadcast([a.dims, b.dims]);
      const size = plan.size;
      // The WASM kernel (ORT's x86 formulas, FMA included) when the tensors live in its memory.
      const k = wasmKernels(ctx);
      let kplan: KernelBroadcastPlan | undefined;
      if (k) {
        try {
          kplan = planKernelBroadcast(a.dims, b.dims);
        } catch {
          kplan = undefined;
        }
      }
      const kparams = { aScale: sa, aZeroPoint: za, bScale: sb, bZeroPoint: zb, cScale: sc, cZeroPoint: zc, signed };
      const kop = add ? 'add' : 'mul';
      // the table passes' thread split, kept per node (a run allocates nothing)
      const split = new KeyedPlan<ChunkPlan>();
      // Constant operands (a bias, a scale) are copied into WASM memory once.
      const aConst = k && kplan ? ctx.constant(0) : undefined;
      const bConst = k && kplan ? ctx.constant(3) : undefined;
      const aPtr = aConst ? constantInWasm(ctx, k!, 'A', aConst.data) : -1;
      const bPtr = bConst ? constantInWasm(ctx, k!, 'B', bConst.data) : -1;
      // One operand a one-value constant (GELU's + 1 and · 0.5): the op is a function of the other
      // operand's byte, so the kernel computes its 256 results once and a table pass runs.
      const aOne = aConst !== undefined && aConst.data.length === 1 && !ctx.constant(3);
      const bOne = bConst !== undefined && bConst.data.length === 1 && !ctx.constant(0);
      if (k && (aOne || bOne)) {
        const table = scalarOperandTable(k, kop, kparams, aOne ? 0 : 1, aOne ? aPtr : bPtr);
        const tablePtr = constantInWasm(ctx, k, `table:${aOne ? 'a' : 'b'}`, table);
        const n = size;
        return {
          outputs: [{ dtype: a.dtype, dims: plan.outDims }],
          run(inputs, outputs) {
            const X = inputs[aOne ? 3 : 0].data as Uint8Array;
            const Y = outputs[0].data as Uint8Array;
            if (inWasm(k, X, Y)) lutInto(k, X.byteOffset, Y.byteOffset, n, tablePtr, split);
            else for (let i = 0; i < n; i++) Y[i] = signed ? (table[X[i] & 0xff] << 24) >> 24 : table[X[i]];
          },
        };
      }
      // One operand a constant [N] along the other's last axis (a bias after a QLinearMatMul): one
      // table per column, computed by the kernel on a [256, N] ramp, then a table pass.
      const colSide = columnConstantSide(aConst, bConst, a.dims, b.dims, ctx.constant(0), ctx.constant(3));
      if (k && colSide !== undefined) {
        const other = colSide === 0 ? b : a;
        const N = other.dims[other.dims.length - 1];
        const tables = columnTables(k, kop, kparams, colSide, colSide === 0 ? aPtr : bPtr, N);
        const tablesPtr = constantInWasm(ctx, k, `col-tables:${colSide}:${N}`, tables);
        const rows = size / N;
        return {
          outputs: [{ dtype: a.dtype, dims: plan.outDims }],
          run(inputs, outputs) {
            const X = inputs[colSide === 0 ? 3 : 0].data as Uint8Array;
            const Y = outputs[0].data as Uint8Array;
            if (inWasm(k, X, Y)) {
              lutColumnsInto(k, X.byteOffset, Y.byteOffset, rows, N, tablesPtr, split);
              return;
            }
            for (let i = 0; i < size; i++) {
              const v = tables[(i % N) * 256 + (X[i] & 0xff)];
              Y[i] = signed ? (v << 24) >> 24 : v;
            }
          },
        };
      }
      const ia = broadcastIndex(a.dims, plan.outDims, ctx.workspace('ia', 'int32', size) as Int32Array);
      const ib = broadcastIndex(b.dims, plan.outDims, ctx.workspace('ib', 'int32', size) as Int32Array);
      return {
        outputs: [{ dtype: a.dtype, dims: plan.outDims }],
        run(inputs, outputs) {
          const A = inputs[0].data as Uint8Array;
          const B = inputs[3].data as Uint8Array;
          const Y = outputs[0].data as Uint8Array;
          if (k && kplan && inWasm(k, Y) && (aPtr >= 0 || inWasm(k, A)) && (bPtr >= 0 || inWasm(k, B))) {
            qlinearBinaryInto(k, kop, aPtr >= 0 ? aPtr : A.byteOffset, bPtr >= 0 ? bPtr : B.byteOffset, Y.byteOffset, kplan, kparams);
            return;
          }
          for (let i = 0; i < size; i++) {
            const x = A[ia ? ia[i] : i] & 0xff;
            const y = B[ib ? ib[i] : i] & 0xff;
            let q: number;
            if (add) q = Math.fround(Math.fround(ta[x] + tb[y]) + fixed) + MAGIC - MAGIC;
            else q = Math.fround(ta[x] * tb[y] * mult) + MAGIC - MAGIC + zc;
            Y[i] = q < qmin ? qmin : q > qmax ? qmax : q;
          }
        },
      };
    },
  };
}

export const qLinearAddConfig = qlinearBinary('QLinearAdd');
export const qLinearMulConfig = qlinearBinary('QLinearMul');
