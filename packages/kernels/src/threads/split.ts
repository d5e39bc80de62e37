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
