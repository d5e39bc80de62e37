/** Output of an integer GEMM/conv: requantized u8/s8, dequantized f32, or the raw int32 accumulator. */
export type QOutputType = 'u8' | 's8' | 'f32' | 'i32';

export interface GemmKernelInfo {
  readonly symbol: string;
  readonly op: 'gemm' | 'gemv' | 'dwconv' | 'strassen';
  /** Tile as in the file name, e.g. '4x8c2'. */
  readonly tile: string;
  readonly out: QOutputType;
  /** Rows per tile. */
  readonly mr: number;
  /** k values per packed group. */
  readonly kc: number;
  /** Bytes per packed weight. */
  readonly esize: number;
  readonly relaxed: boolean;
}

/** Quantization of the int32 accumulator into the output; see README ("Integer GEMM"). */
export interface QEpilogue {
  readonly output: QOutputType;
  /**
   * Combined scale per output column, or one for all: sA·sB[n]/sY for u8/s8 outputs, sA·sB[n] for
   * f32. Ignored for i32.
   */
  readonly scale?: number | ArrayLike<number>;
  /** Output zero point (u8/s8). */
  readonly outputZeroPoint?: number;
  /** Clamp in the quantized domain (fused ReLU / Clip); defaults to the type's range. */
  readonly outputMin?: number;
  readonly outputMax?: number;
  /** int32 bias per column (added to the accumulator: QLinearConv's B, ConvInteger-style). */
  readonly bias?: Int32Array;
  /** f32 bias per column added after dequantization (f32 output only). */
  readonly biasF32?: Float32Array;
}

export interface QGemmOptions extends QEpilogue {
  readonly K: number;
  readonly N: number;
  /** Weights B, [K, N] row-major (or [N, K] with `transposeB`). */
  readonly weights: Int8Array | Uint8Array;
  readonly transposeB?: boolean;
  /** Zero point of B: one value, or one per column (length N). */
  readonly weightZeroPoint: number | ArrayLike<number>;
  /** A is int8 (true) or uint8 (false). */
  readonly activationSigned: boolean;
  readonly activationZeroPoint: number;
  /**
   * Which row counts to prepare weights for: 'small' (the int8 packing, used for M ≤ 12 on the
   * baseline build, M = 1 on the relaxed one), 'large', or 'both' (default). Each packing costs
   * memory (large: 2 bytes per weight, small: 1); any M runs on whichever packing exists.
   */
  readonly rows?: 'small' | 'large' | 'both';
}

export interface QGemmRunArgs {
  readonly M: number;
  /** Pointer to A in WASM memory; element (m, k) at a + m·aRowStride + k·aColStride. */
  readonly a: number;
  readonly aRowStride?: number;
  readonly aColStride?: number;
  /** Pointer to the output; element (m, n) at out + (m·ldo + n·cso)·elementSize. */
  readonly out: number;
  readonly ldo?: number;
  readonly cso?: number;
  /** Per-run activation quantization (dynamic path): overrides the zero point and/or scales. */
  readonly activationZeroPoint?: number;
  readonly scale?: number | ArrayLike<number>;
  /**
   * A is f32 (row-major, `aRowStride` in elements, `aColStride` 1), quantized to u8 while it is
   * packed, with QuantizeLinear's numerics (round half to even of a / scale, plus zeroPoint,
   * saturated): DynamicQuantizeLinear fused into the GEMM, bit-identical to quantizing first.
   * Needs `activationSigned: false`; the activation zero point becomes `zeroPoint`.
   */
  readonly aQuantize?: { readonly scale: number; readonly zeroPoint: number };
  /**
   * Another QGemm of the same K whose latest run packed this same A (same pointer, rows, zero
   * point and quantization): its packed A is used instead of packing again (Q, K and V projections
   * of one input). When the packing would differ (another path for these weights) A is packed as usual.
   */
  readonly packedA?: QGemm;
}

/** A prepared integer matrix multiplication: weights packed once, run many times. */
export interface QGemm {
  readonly K: number;
  readonly N: number;
  readonly output: QOutputType;
  run(args: QGemmRunArgs): void;
  /**
   * Grows the per-run scratch (packed activations) for every M ≤ maxM now, so that no later `run`
   * with M ≤ maxM allocates or grows the WASM memory (views on `memory.buffer` stay valid).
   * Idempotent; a run with a larger M still grows the scratch itself.
   */
  reserve(maxM: number): void;
  /** Convenience for tests and tools: copies A in and the result out. */
  runArrays(M: number, a: Uint8Array | Int8Array): Uint8Array | Int8Array | Float32Array | Int32Array;
  dispose(): void;
}
