/** What the running WebAssembly engine offers the kernels. */
export interface EngineCapabilities {
  /** WASM SIMD128 validates. */
  readonly simd: boolean;
  /** Relaxed SIMD validates (Chromium; Node 20 only with --experimental-wasm-relaxed-simd). */
  readonly relaxedSimd: boolean;
  /** Shared memory + atomics validate and SharedArrayBuffer is usable (cross-origin isolated in browsers). */
  readonly threads: boolean;
}

export type KernelVariant = 'simd' | 'relaxed' | 'threads';
