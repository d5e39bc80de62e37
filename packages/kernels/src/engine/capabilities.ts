/** What the running WebAssembly engine offers the kernels. */
export interface EngineCapabilities {
  /** WASM SIMD128 validates. */
  readonly simd: boolean;
  /** Relaxed SIMD validates (Chromium; Node 20 only with --experimental-wasm-relaxed-simd). */
  readonly relaxedSimd: boolean;
  /** Shared memory + atomics validate and SharedArrayBuffer is usable (cross-origin isolated in browsers). */
  readonly threads: boolean;
}

export type KernelVariant = 'simd' | 'relaxed' | 'threads' | 'relaxed-threads';

/** Builds on a shared imported memory (worker pool). */
export function isThreadedVariant(v: KernelVariant): boolean {
  return v === 'threads' || v === 'relaxed-threads';
}

/** Builds with the relaxed-SIMD kernels (used only after the numeric probe passed). */
export function isRelaxedVariant(v: KernelVariant): boolean {
  return v === 'relaxed' || v === 'relaxed-threads';
}
