/**
 * A fixed set of threads sharing one WebAssembly.Memory, each with its own instance of the
 * threads build. `run` and `runChunks` are synchronous: the caller takes part, then blocks
 * (Atomics.wait) until the work is done — so call them from a thread that may block (Node's main
 * thread, or a Web Worker; not a browser's main thread).
 */
export interface ThreadPool {
  /** Threads including the caller. */
  readonly size: number;
  /**
   * One share per thread: calls exports[symbol](...args[i]) once for every i < args.length ≤ size,
   * and waits for every share. A share is not tied to thread i: threads may take each other's
   * shares (the caller runs a late worker's), so give each share its own scratch, never one keyed
   * by the thread. Arguments cross as int32, except those
   * whose bit is set in `f32Mask` (bit i = argument i), which cross as f32 (for kernels' f32
   * parameters).
   */
  run(symbol: string, args: readonly (readonly number[])[], f32Mask?: number): void;
  /**
   * Dynamic split: calls exports[symbol](...chunks[i]) once for every chunk i (at most
   * MAX_CHUNKS, every chunk with the same argument count), on whichever thread claims it first —
   * the caller claims chunks too, so a worker that is late (descheduled, asleep) leaves its share
   * to the others instead of holding the caller up. Cut the work into more chunks than threads.
   * With `threadArg`, that argument of every chunk is replaced by `threadValues[t]` of the thread
   * t running it (per-thread scratch). Optional for pools a caller supplies: `runChunks` in
   * split.ts falls back to `run`.
   */
  runChunks?(symbol: string, chunks: readonly (readonly number[])[], options?: ChunkOptions): void;
  /**
   * Wakes workers that went to sleep (they sleep after ~0.5 ms without work) without giving them a
   * job, so the next `run` does not wait for their wake-up; a no-op for spinning workers. Optional
   * for pools a caller supplies.
   */
  wake?(): void;
  /**
   * Jobs run so far (`run` and `runChunks` calls, whichever threads ran them): a caller compares
   * it across a run to learn whether the run used the pool. Optional for pools a caller supplies.
   */
  readonly jobCount?: number;
  dispose(): Promise<void>;
}

export interface ChunkOptions {
  /** Bit i: argument i crosses as f32. */
  readonly f32Mask?: number;
  /** Index of the argument replaced by the running thread's entry of `threadValues`. */
  readonly threadArg?: number;
  /** One value per thread (length ≥ size) for `threadArg`. */
  readonly threadValues?: readonly number[];
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

/** Why a pool job failed: a kernel trapped, a worker exited, no progress for minutes, or use after dispose(). */
export type ThreadPoolFailure = 'trap' | 'worker-exited' | 'no-progress' | 'disposed';

/** A pool job that could not complete; the memory the job wrote is undefined. */
export class ThreadPoolError extends Error {
  override readonly name = 'ThreadPoolError';
  constructor(
    readonly reason: ThreadPoolFailure,
    readonly symbol: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
