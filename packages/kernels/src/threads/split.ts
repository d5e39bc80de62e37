// Dynamic split helpers: how many chunks to cut a job into (cut a range with splitRange,
// elementwise/host.ts), and running them on any pool.
import type { ChunkOptions, ThreadPool } from './pool.js';
import { MAX_CHUNKS } from './worker-source.js';

/**
 * Chunks per thread of a dynamic split: enough that the caller can absorb a late worker's share in
 * small steps, few enough that a chunk's fixed cost (a claim, a call, a kernel's setup) stays small.
 */
export const CHUNKS_PER_THREAD = 4;

/**
 * How many chunks to cut `units` units of work (`work` in any measure) into for `threads` threads:
 * up to CHUNKS_PER_THREAD per thread, none smaller than `minChunkWork`, never more than `units`;
 * 1 means run it on the calling thread.
 */
export function chunkCount(units: number, threads: number, work: number, minChunkWork: number): number {
  if (threads < 2) return 1;
  return Math.max(1, Math.min(units, threads * CHUNKS_PER_THREAD, MAX_CHUNKS, Math.floor(work / minChunkWork)));
}

/**
 * Elementwise / row-wise ops (unary, binary, softmax, layer norm) with at least this many elements
 * split across the pool (the kernels that take no byte count).
 */
export const PARALLEL_MIN_ELEMENTS = 1 << 15;

/**
 * A memory-bound pass (unary, binary, (de)quantize, range scan) that reads and writes fewer bytes
 * than this runs on the calling thread alone. Measured 2 threads ÷ 1, both in one process on this
 * 2-core box: f32 Add 0.71× at 384 KiB, 0.86× at 768 KiB, 1.31× at 1.5 MiB, 2.1× at 3 MiB; Clip
 * 0.84× / 0.97× / 1.46× at 256 / 512 / 1024 KiB; DynamicQuantizeLinear alike. Below ~1 MiB the
 * data stays in the caller's L2, and a second core has to fetch its share from there.
 */
export const PARALLEL_MIN_BYTES = 1 << 20;

/** A chunk of a memory-bound pass moves at least this many bytes (a claim and a call cost ~1 µs). */
export const MIN_CHUNK_BYTES = 1 << 18;

/**
 * Chunks of a memory-bound pass over `n` elements of `bytesPerElement` bytes read and written,
 * cut at multiples of `align`: 1 (the caller alone) without a pool or below PARALLEL_MIN_BYTES.
 */
export function elementwiseChunks(pool: ThreadPool | null | undefined, n: number, align: number, bytesPerElement: number): number {
  const bytes = n * bytesPerElement;
  if (!pool || pool.size < 2 || bytes < PARALLEL_MIN_BYTES) return 1;
  return chunkCount(Math.ceil(n / align), pool.size, bytes, MIN_CHUNK_BYTES);
}

/**
 * Runs every chunk once on the pool: its dynamic split when it has one, else rounds of one chunk
 * per thread through the static `run` (a pool a caller supplied).
 */
export function runChunks(pool: ThreadPool, symbol: string, chunks: readonly (readonly number[])[], options: ChunkOptions = {}): void {
  if (pool.runChunks) {
    pool.runChunks(symbol, chunks, options);
    return;
  }
  const { threadArg = -1, threadValues, f32Mask } = options;
  for (let c = 0; c < chunks.length; c += pool.size) {
    const shares = chunks.slice(c, c + pool.size).map((a, t) => {
      if (threadArg < 0) return a;
      const b = [...a];
      b[threadArg] = threadValues![t];
      return b;
    });
    pool.run(symbol, shares, f32Mask);
  }
}

/**
 * The last value built for a key of numbers (a chunk list and its options, say), reused while the
 * key repeats: the runtime gives a node the same buffers and shapes every run, so a steady-state
 * run finds its chunk list here and builds none. Compare the key number by number, then build on
 * a miss; a hit allocates nothing:
 *
 *   const chunks = plan.begin().key(rows).key(inner).get() ?? plan.set(build(rows, inner));
 */
export class KeyedPlan<T> {
  private readonly keys: number[] = [];
  private length = 0;
  private pos = 0;
  private hit = false;
  private value: T | undefined;

  /** Starts comparing a key. */
  begin(): this {
    this.pos = 0;
    this.hit = this.value !== undefined;
    return this;
  }

  /** The key's next number (recorded for `set`). */
  key(v: number): this {
    if (this.hit && (this.pos >= this.length || this.keys[this.pos] !== v)) this.hit = false;
    this.keys[this.pos++] = v;
    return this;
  }

  /** The value built for this key, or undefined (then build it and `set` it). */
  get(): T | undefined {
    if (this.hit && this.pos === this.length) return this.value;
    // the stored key was overwritten while compared: forget the value until `set`
    this.value = undefined;
    return undefined;
  }

  /** Stores the value for the key just compared. */
  set(value: T): T {
    this.length = this.pos;
    this.value = value;
    return value;
  }
}

/** A dynamic split prepared once: the kernel, its chunks and the options runChunks takes with them. */
export interface ChunkPlan {
  readonly symbol: string;
  readonly chunks: readonly (readonly number[])[];
  readonly options: ChunkOptions;
}

/** Runs a prepared split on the pool (see runChunks). */
export function runPlan(pool: ThreadPool, plan: ChunkPlan): void {
  runChunks(pool, plan.symbol, plan.chunks, plan.options);
}
