// Integer matrix multiplication with the quantized epilogues (requantize to u8/s8, dequantize to
// f32, or raw i32): on the WASM GEMM kernels when they are loaded, else a TypeScript loop with
// the same numerics. Constant weights are packed once; `run` allocates nothing.

import type { Kernels, QGemm, QOutputType } from '@octet/kernels';
import type { TypedArray } from '../../tensor.js';
import { requantize } from './quant-params.js';
import { copyOut, type WasmScratch } from './wasm-bridge.js';

export interface IntegerEpilogue {
  readonly output: QOutputType;
  /** u8/s8: sA·sB[n]/sY; f32: sA·sB[n]; one value or N. Ignored for i32. */
  readonly scale?: Float32Array;
  readonly outputZeroPoint?: number;
  readonly outputMin?: number;
  readonly outputMax?: number;
  /** int32 bias per column, added to the accumulator. */
  readonly bias?: Int32Array;
  /** f32 bias per column, added after dequantization (f32 output). */
  readonly biasF32?: Float32Array;
}

export interface IntegerMatMulSpec extends IntegerEpilogue {
  readonly K: number;
  readonly N: number;
  /** [K, N] row-major, or [N, K] with transposeB. */
  readonly weights: Int8Array | Uint8Array;
  readonly transposeB?: boolean;
  /** One value or N. */
  readonly weightZeroPoint: ArrayLike<number>;
  readonly activationSigned: boolean;
  readonly activationZeroPoint: number;
}

/** Per-run activation quantization (dynamic quantization). */
export interface DynamicActivation {
  activationZeroPoint: number;
  /** Per-run combined scale(s); omitted: the prepared ones. */
  scale?: Float32Array;
}

export interface IntegerMatMul {
  readonly onKernels: boolean;
  /** out[m, n] for m < M from a[aOff + m·K + k]; out written at outOff. */
  run(M: number, a: Int8Array | Uint8Array, aOff: number, out: TypedArray, outOff: number, dyn?: DynamicActivation): void;
  /**
   * Kernel path only: f32 A in WASM memory at `aPtr` ([M, K] row-major), quantized to u8 with
   * (`q`.scale, `q`.zeroPoint) inside the GEMM's packing — DynamicQuantizeLinear fused, same
   * result as quantizing first. `shareWith`: a matmul of the same A that ran just before (its
   * packed A is reused when the packing matches). Output `out` must be in WASM memory.
   */
  runQuantized?(M: number, aPtr: number, out: TypedArray, q: { scale: number; zeroPoint: number }, scale: Float32Array, shareWith?: IntegerMatMul): void;
  /** The kernels' GEMM behind a kernel-path matmul. */
  readonly gemm?: QGemm;
  /** Sizes scratch memory for M rows at prepare time (kernel path). */
  reserve(M: number): void;
  /** Frees the packed weights (kernel path). */
  dispose(): void;
}

/** The zero points and epilogue of a spec as the kernels' QConv / QGemm options take them. */
export function kernelQuantization(
  spec: IntegerEpilogue & { readonly weightZeroPoint: ArrayLike<number>; readonly activationSigned: boolean; readonly activationZeroPoint: number },
) {
  return {
    weightZeroPoint: spec.weightZeroPoint.length === 1 ? spec.weightZeroPoint[0] : spec.weightZeroPoint,
    activationSigned: spec.activationSigned,
    activationZeroPoint: spec.activationZeroPoint,
    output: spec.output,
    scale: spec.scale === undefined ? undefined : spec.scale.length === 1 ? spec.scale[0] : spec.scale,
    outputZeroPoint: spec.outputZeroPoint,
    outputMin: spec.outputMin,
    outputMax: spec.outputMax,
    bias: spec.bias,
    biasF32: spec.biasF32,
  };
}

export function outputRange(output: QOutputType, e: IntegerEpilogue): [number, number] {
  const [lo, hi] = output === 's8' ? [-128, 127] : [0, 255];
  return [Math.max(lo, e.outputMin ?? lo), Math.min(hi, e.outputMax ?? hi)];
}

/** Writes the epilogue of int32 accumulators acc[m·N + n] into out (at outOff). */
export function applyEpilogue(
  acc: Int32Array,
  M: number,
  N: number,
  e: IntegerEpilogue,
  out: TypedArray,
  outOff: number,
  scaleOverride?: Float32Array,
): void {
  const total = M * N;
  const scale = scaleOverride ?? e.scale;
  const perCol = scale !== undefined && scale.length > 1;
  if (e.output === 'i32') {
    for (let i = 0; i < total; i++) out[outOff + i] = acc[i];
    return;
  }
  if (e.output === 'f32') {
    const b = e.biasF32;
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        const s = perCol ? scale![n] : scale![0];
        let v = Math.fround(Math.fround(acc[m * N + n]) * s);
        if (b) v = Math.fround(v + b[n]);
        out[outOff + m * N + n] = v;
      }
    }
    return;
  }
  const [qmin, qmax] = outputRange(e.output, e);
  const zp = e.outputZeroPoint ?? 0;
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      out[outOff + m * N + n] = requantize(acc[m * N + n], perCol ? scale![n] : scale![0], zp, qmin, qmax);
    }
  }
}

/**
 * acc[m·N + n] = bias[n] + Σ_k (a[m,k] − za)(b[k,n] − zb[n]), b read as b[bOff + k·bk + n·bn]
 * (so transposed or strided B needs no copy).
 */
export function integerGemmTS(
  M: number,
  K: number,
  N: number,
  a: ArrayLike<number>,
  aOff: number,
  za: number,
  b: ArrayLike<number>,
  bOff: number,
  bk: number,
  bn: number,
  zb: ArrayLike<number>,
  bias: Int32Array | undefined,
  acc: Int32Array,
): void {
  const zbPer = zb.length > 1;
  if (bn === 1) {
    // Rows of B are contiguous: i-k-j order streams them; zero points folded afterwards.
    for (let m = 0; m < M; m++) {
      const row = m * N;
      for (let n = 0; n < N; n++) acc[row + n] = 0;
      let rowSum = 0;
      for (let k = 0; k < K; k++) {
        const av = a[aOff + m * K + k] - za;
        rowSum += av;
        if (av === 0) continue;
        const bp = bOff + k * bk;
        for (let n = 0; n < N; n++) acc[row + n] += av * b[bp + n];
      }
      for (let n = 0; n < N; n++) acc[row + n] = (acc[row + n] - rowSum * (zbPer ? zb[n] : zb[0]) + (bias ? bias[n] : 0)) | 0;
    }
    return;
  }
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      const z = zbPer ? zb[n] : zb[0];
      let s = bias ? bias[n] : 0;
      let ai = aOff + m * K;
      let bi = bOff + n * bn;
      for (let k = 0; k < K; k++, ai++, bi += bk) s += (a[ai] - za) * (b[bi] - z);
      acc[m * N + n] = s | 0;
    }
  }
}

/** Prepares an integer matmul with constant weights. `scratch` (in/out regions) is used on the kernel path. */
export function createIntegerMatMul(
  spec: IntegerMatMulSpec,
  k: Kernels | undefined,
  scratch?: { a: WasmScratch; out: WasmScratch },
): IntegerMatMul {
  const { K, N } = spec;
  if (k && scratch) {
    const g: QGemm = k.createQGemm({
      K,
      N,
      weights: spec.weights,
      transposeB: spec.transposeB,
      ...kernelQuantization(spec),
    });
    const outBytes = spec.output === 'f32' || spec.output === 'i32' ? 4 : 1;
    const quantized = { M: 0, a: 0, out: 0, aQuantize: { scale: 1, zeroPoint: 0 }, scale: 1 as number | ArrayLike<number>, packedA: undefined as QGemm | undefined };
    return {
      onKernels: true,
      gemm: g,
      runQuantized(M, aPtr, out, q, scale, shareWith) {
        if (out.buffer !== k.memory.buffer) throw new Error('internal: runQuantized needs its output in WASM memory');
        // one reused argument object: the steady path allocates nothing
        quantized.M = M;
        quantized.a = aPtr;
        quantized.out = out.byteOffset;
        quantized.aQuantize.scale = q.scale;
        quantized.aQuantize.zeroPoint = q.zeroPoint;
        quantized.scale = scale.length === 1 ? scale[0] : scale;
        quantized.packedA = shareWith?.gemm;
        g.run(quantized);
      },
      run(M, a, aOff, out, outOff, dyn) {
        // Tensors in the session's WASM arena are used in place; others go through the scratch
        // regions (sized by `reserve` at prepare time, so a run never grows the memory).
        const mem = k.memory.buffer;
        const aIn = a.buffer === mem;
        const oIn = out.buffer === mem;
        const ap = aIn ? a.byteOffset + aOff : scratch.a.ensure(M * K);
        const op = oIn ? out.byteOffset + outOff * outBytes : scratch.out.ensure(M * N * outBytes);
        if (!aIn) {
          const src = aOff === 0 && a.length === M * K ? a : a.subarray(aOff, aOff + M * K);
          k.heap.u8.set(src as Uint8Array, ap);
        }
        g.run(
          dyn
            ? {
                M,
                a: ap,
                out: op,
                activationZeroPoint: dyn.activationZeroPoint,
                scale: dyn.scale === undefined ? undefined : dyn.scale.length === 1 ? dyn.scale[0] : dyn.scale,
              }
            : { M, a: ap, out: op },
        );
        if (!oIn) {
          if (outOff === 0) copyOut(k, op, out, M * N);
          else copyOut(k, op, out.subarray(outOff, outOff + M * N) as TypedArray, M * N);
        }
      },
      dispose() {
        g.dispose();
      },
      reserve(M) {
        // One run on scratch memory now: the kernels size their own packing buffers on first use
        // for a given M, and memory must not grow during a plan's run (arena views would detach).
        const ap = scratch.a.ensure(M * K);
        const op = scratch.out.ensure(M * N * outBytes);
        g.run({ M, a: ap, out: op });
      },
    };
  }
  const [bk, bn] = spec.transposeB ? [1, K] : [N, 1];
  let acc = new Int32Array(0);
  return {
    onKernels: false,
    dispose() {},
    reserve(M) {
      if (acc.length < M * N) acc = new Int32Array(M * N);
    },
    run(M, a, aOff, out, outOff, dyn) {
      if (acc.length < M * N) acc = new Int32Array(M * N);
      const za = dyn ? dyn.activationZeroPoint : spec.activationZeroPoint;
      integerGemmTS(M, K, N, a, aOff, za, spec.weights, 0, bk, bn, spec.weightZeroPoint, spec.bias, acc);
      applyEpilogue(acc, M, N, spec, out, outOff, dyn?.scale);
    },
  };
}
