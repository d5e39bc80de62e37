import type { QEpilogue, QOutputType } from '../gemm/gemm.js';

/** A 2-D integer convolution in ONNX layout (NCHW input, OIHW weights). */
export interface QConvOptions extends QEpilogue {
  /** Input channels, height, width (per image; the batch is given at run time). */
  readonly C: number;
  readonly H: number;
  readonly W: number;
  /** Output channels. */
  readonly M: number;
  readonly kernelShape: readonly [number, number];
  readonly group?: number;
  readonly strides?: readonly [number, number];
  readonly dilations?: readonly [number, number];
  /** [top, left, bottom, right], ONNX order. */
  readonly pads?: readonly [number, number, number, number];
  /** Weights [M, C/group, kH, kW]; Int8Array = s8, Uint8Array = u8. */
  readonly weights: Int8Array | Uint8Array;
  /** One value or one per output channel. */
  readonly weightZeroPoint: number | ArrayLike<number>;
  readonly activationSigned: boolean;
  readonly activationZeroPoint: number;
}

export interface QConvRunArgs {
  /** Batch size. */
  readonly N: number;
  /** Pointer to X [N, C, H, W] (u8 or s8). */
  readonly x: number;
  /** Pointer to Y [N, M, oH, oW]. */
  readonly y: number;
  readonly activationZeroPoint?: number;
  /**
   * A run-time scale for every output channel, replacing the created one (dynamic quantization:
   * x_scale·w_scale with the f32 output); kept for later runs that give none.
   */
  readonly scale?: number;
}

export interface QConv {
  readonly outputShape: readonly [number, number, number]; // [M, oH, oW]
  readonly output: QOutputType;
  /** 'gemm-1x1' | 'im2col-gemm' | 'depthwise' */
  readonly method: string;
  run(args: QConvRunArgs): void;
  /**
   * Allocates the per-run scratch (im2col and packed activations; their size depends only on the
   * shape, not on the batch) now. The constructor already does this, so no `run` allocates or grows
   * the WASM memory; kept for symmetry with `QGemm.reserve`. Idempotent.
   */
  reserve(): void;
  runArrays(N: number, x: Uint8Array | Int8Array): Uint8Array | Int8Array | Float32Array | Int32Array;
  dispose(): void;
}
