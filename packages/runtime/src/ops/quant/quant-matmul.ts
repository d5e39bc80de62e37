// Shared body of the integer matrix-multiply ops (QLinearMatMul, QGemm, MatMulInteger,
// MatMulIntegerToFloat, DynamicQuantizeMatMul and the fused QDQ MatMul/Gemm): numpy.matmul
// shapes, a constant 2-D B packed once for the kernels, any other B multiplied per batch.

import type { OpContext, TensorMeta } from '../../op-registry.js';
import { matMulLayout } from '../matmul-layout.js';
import { sizeOf, type Tensor, type TypedArray } from '../../tensor.js';
import { applyEpilogue, createIntegerMatMul, integerGemmTS, type DynamicActivation, type IntegerEpilogue, type IntegerMatMul } from './integer-matmul.js';
import { createActivationMatMul } from './activation-matmul.js';
import { inWasm, scratchOf, wasmKernels } from './wasm-bridge.js';
import type { DType } from '../../tensor.js';
import type { QOutputType } from '@octet/kernels';

const EPILOGUE_DTYPE: Record<QOutputType, DType> = { u8: 'uint8', s8: 'int8', f32: 'float32', i32: 'int32' };

export interface QuantMatMulSpec {
  readonly a: TensorMeta;
  readonly b: TensorMeta;
  /** B's value when it is a model constant (packed once). */
  readonly bConst: Tensor | undefined;
  readonly transposeB?: boolean;
  readonly activationZeroPoint: number;
  /** One value or N. */
  readonly weightZeroPoint: ArrayLike<number>;
  readonly epilogue: IntegerEpilogue;
  /** A, B read through a transpose, Y written through one (folded Transposes; activations only). */
  readonly aPerm?: readonly number[];
  readonly bPerm?: readonly number[];
  readonly yPerm?: readonly number[];
  /** Key of the prepared matmul in the node's cache (nodes with several matmuls give each its own). */
  readonly cacheKey?: string;
}

export interface PreparedQuantMatMul {
  readonly outDims: number[];
  readonly M: number;
  readonly K: number;
  readonly N: number;
  readonly onKernels: boolean;
  /** a: the quantized A data; b: B's data (ignored when constant). */
  run(a: Int8Array | Uint8Array, b: TypedArray | undefined, out: TypedArray, dyn?: DynamicActivation): void;
  /** Constant B on the kernels: the prepared matmul, whose `runQuantized` takes f32 A. */
  readonly integer?: IntegerMatMul;
}

export function prepareQuantMatMul(ctx: OpContext, s: QuantMatMulSpec): PreparedQuantMatMul {
  const L = matMulLayout(ctx, s.a.dims, s.b.dims, { a: s.aPerm, b: s.bPerm, y: s.yPerm }, s.transposeB);
  const { K, N, outDims, batches, aOff, bOff, yOff, ars, acs, ldo, cso } = L;
  const m = L.M;
  const ab = L.aBatch;
  const bb = L.bBatch;
  if (s.weightZeroPoint.length !== 1 && s.weightZeroPoint.length !== N) ctx.fail(`B zero point has ${s.weightZeroPoint.length} values, expected 1 or ${N}`);
  const e = s.epilogue;
  if (e.scale && e.scale.length !== 1 && e.scale.length !== N) ctx.fail(`B scale has ${e.scale.length} values, expected 1 or ${N}`);

  // Constant 2-D B: all batches of A are one tall matrix.
  if (s.bConst && bb.length === 0 && (s.bConst.dtype === 'int8' || s.bConst.dtype === 'uint8')) {
    const Mall = sizeOf(ab) * m;
    const k = wasmKernels(ctx);
    const key = s.cacheKey ?? 'qmatmul';
    let mm = ctx.cache.get(key) as IntegerMatMul | undefined;
    if (!mm || mm.onKernels !== (k !== undefined)) {
      mm = createIntegerMatMul(
        {
          K,
          N,
          weights: s.bConst.data as Int8Array | Uint8Array,
          transposeB: s.transposeB,
          weightZeroPoint: s.weightZeroPoint,
          activationSigned: s.a.dtype === 'int8',
          activationZeroPoint: s.activationZeroPoint,
          ...e,
        },
        k,
        k ? { a: scratchOf(ctx, k, 'mm-a'), out: scratchOf(ctx, k, 'mm-out') } : undefined,
      );
      ctx.cache.set(key, mm);
      const made = mm;
      ctx.onDispose(() => made.dispose());
    }
    const prepared = mm;
    prepared.reserve(Mall);
    return {
      outDims,
      M: Mall,
      K,
      N,
      onKernels: prepared.onKernels,
      integer: prepared,
      run(a, _b, out, dyn) {
        prepared.run(Mall, a, 0, out, 0, dyn);
      },
    };
  }

  // General: per batch, operands and output addressed by strides (transposes need no copy).
  const [bk, bn] = [L.brs, L.bcs];
  const aPacked = ars === K && acs === 1;
  const yPacked = ldo === N && cso === 1;
  const aTile = aPacked ? undefined : (ctx.workspace('a-tile', s.a.dtype, m * K) as Int8Array | Uint8Array);
  const yTile = yPacked ? undefined : ctx.workspace('y-tile', EPILOGUE_DTYPE[e.output], m * N);
  const acc = ctx.workspace('acc', 'int32', m * N) as Int32Array;
  const constB = s.bConst?.data;
  const zb = s.weightZeroPoint;
  const zbPer = zb.length > 1;
  const tsBatched = (a: Int8Array | Uint8Array, b: TypedArray | undefined, out: TypedArray, dyn?: DynamicActivation): void => {
    const B = (constB ?? b)!;
    const za = dyn ? dyn.activationZeroPoint : s.activationZeroPoint;
    for (let t = 0; t < batches; t++) {
      let A: ArrayLike<number> = a;
      let ao = aOff[t];
      if (aTile) {
        for (let i = 0; i < m; i++) for (let kk = 0; kk < K; kk++) aTile[i * K + kk] = a[ao + i * ars + kk * acs];
        A = aTile;
        ao = 0;
      }
      integerGemmTS(m, K, N, A, ao, za, B as ArrayLike<number>, bOff[t], bk, bn, zb, e.bias, acc);
      if (!yTile) {
        applyEpilogue(acc, m, N, e, out, yOff[t], dyn?.scale);
        continue;
      }
      applyEpilogue(acc, m, N, e, yTile, 0, dyn?.scale);
      for (let i = 0; i < m; i++) for (let n = 0; n < N; n++) out[yOff[t] + i * ldo + n * cso] = yTile[i * N + n];
    }
  };
  // Two activations on the kernels: the integer GEMM with B packed at run time, per batch.
  const k = wasmKernels(ctx);
  const aType = s.a.dtype;
  const bType = s.b.dtype;
  const is8 = (t: string) => t === 'int8' || t === 'uint8';
  const scalarScale = !e.scale || e.scale.length === 1;
  if (k && !constB && !zbPer && !e.bias && !e.biasF32 && scalarScale && is8(aType) && is8(bType) && m > 0 && N > 0 && K > 0) {
    const amm = createActivationMatMul(ctx, k, {
      batches,
      M: m,
      K,
      N,
      a: { off: aOff, rs: ars, cs: acs, signed: aType === 'int8' },
      b: { off: bOff, rs: bk, cs: bn, signed: bType === 'int8' },
      outOff: yOff,
      ldo,
      cso,
      output: e.output,
      scale: e.scale ? e.scale[0] : 1,
      outputZeroPoint: e.outputZeroPoint,
      outputMin: e.outputMin,
      outputMax: e.outputMax,
    });
    const tsRun = tsBatched;
    return {
      outDims,
      M: m,
      K,
      N,
      onKernels: true,
      run(a, b, out, dyn) {
        if (!b || !inWasm(k, a, b, out)) return tsRun(a, b, out, dyn);
        const za = dyn ? dyn.activationZeroPoint : s.activationZeroPoint;
        amm.run(a.byteOffset, b.byteOffset, out.byteOffset, za, zb[0], dyn?.scale ? dyn.scale[0] : undefined);
      },
    };
  }
  return { outDims, M: m, K, N, onKernels: false, run: tsBatched };
}
