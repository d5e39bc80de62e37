/**
 * A fixed set of threads sharing one WebAssembly.Memory, each with its own instance of the
 * threads build. `run` is synchronous: the caller runs share 0 itself, then blocks
 * (Atomics.wait) until the other shares are done — so call it from a thread that may block
 * (Node's main thread, or a Web Worker; not a browser's main thread).
 */
export interface ThreadPool {
  /** Threads including the caller. */
  readonly size: number;
  /**
   * Calls exports[symbol](...args[i]) on thread i (0 = the caller) for i < args.length ≤ size.
   * Arguments cross as int32, except those whose bit is set in `f32Mask` (bit i = argument i),
   * which cross as f32 (for kernels' f32 parameters).
   */
  run(symbol: string, args: readonly (readonly number[])[], f32Mask?: number): void;
  /**
   * Wakes workers that went to sleep (they sleep after ~2 ms without work) without giving them a
   * job, so the next `run` does not wait for their wake-up; a no-op for spinning workers. Optional
   * for pools a caller supplies.
   */
  wake?(): void;
  dispose(): Promise<void>;
}

/** What a pool implementation needs to start its workers. */
export interface ThreadPoolInit {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  /** Total threads including the caller (≥ 2). */
  readonly threads: number;
  /** Exported function names the pool may be asked to run. */
  readonly symbols: readonly string[];
  /** The caller's own instance (runs share 0). */
  readonly instance: WebAssembly.Instance;
}
