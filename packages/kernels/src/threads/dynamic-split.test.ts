// The pool's dynamic split (runChunks): every chunk runs exactly once whoever claims it, the
// per-thread argument is the running thread's, a held (late) worker's share is absorbed by the
// caller, a trapping kernel or an exited worker fails with a ThreadPoolError instead of hanging.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kernels } from '../kernels.js';
import { loadKernels } from '../load-kernels.js';
import { ThreadPoolError, type ThreadPool } from './pool.js';
import type { AtomicsThreadPool } from './pool-impl.js';
import { chunkCount, runChunks } from './split.js';
import { splitRange } from '../elementwise/host.js';
import { MAX_CHUNKS } from './worker-source.js';
import { randomConvCase, referenceQConv, runConvCase } from '../conv/qconv-tester.js';
import { firstMismatch } from '../gemm/qgemm-tester.js';

let two: Kernels;
let pool: AtomicsThreadPool;
beforeAll(async () => {
  two = await loadKernels({ threads: 2 });
  pool = two.pool as AtomicsThreadPool;
  // these tests count on jobs reaching the worker; spells alone have their own test
  pool.aloneMs = 0;
});
afterAll(async () => {
  await two?.dispose();
});

/**
 * A buffer of `bytes` bytes cut into `chunks` ranges, each chunk an in-place lookup y[i] = table[y[i]]
 * through x8_lut__scalar(x, y, n, table): with a +1 table, a chunk run twice or skipped shows up as a
 * byte off by one. The table argument of every chunk points at a +100 table, which the per-thread
 * argument (both threads' +1 tables) must replace.
 */
function incrementJob(k: Kernels, bytes: number, chunks: number) {
  const heap = k.heap;
  const buf = heap.alloc(bytes);
  const plusOne = [heap.put(Uint8Array.from({ length: 256 }, (_, v) => (v + 1) & 255)), heap.put(Uint8Array.from({ length: 256 }, (_, v) => (v + 1) & 255))];
  const wrong = heap.put(Uint8Array.from({ length: 256 }, (_, v) => (v + 100) & 255));
  const start = Uint8Array.from({ length: bytes }, (_, i) => (i * 7) & 255);
  heap.u8.set(start, buf);
  const args = splitRange(bytes, chunks, 1).map(([a, b]) => [buf + a, buf + a, b - a, wrong]);
  return {
    args,
    options: { threadArg: 3, threadValues: plusOne },
    /** Bytes that are not their start value + `times` (mod 256). */
    wrongBytes(times: number): number {
      const now = heap.u8.subarray(buf, buf + bytes);
      let bad = 0;
      for (let i = 0; i < bytes; i++) if (now[i] !== ((start[i] + times) & 255)) bad++;
      return bad;
    },
  };
}

describe('thread pool dynamic split (runChunks)', () => {
  it('chunkCount and splitRange: aligned, balanced, covering [0, n) once, at most MAX_CHUNKS', () => {
    expect(splitRange(10, 3, 1)).toEqual([[0, 3], [3, 6], [6, 10]]);
    expect(splitRange(50, 4, 8)).toEqual([[0, 8], [8, 24], [24, 40], [40, 50]]);
    expect(splitRange(2, 5, 1)).toEqual([[0, 1], [1, 2]]);
    expect(chunkCount(1000, 1, 1e9, 1)).toBe(1); // one thread: no split
    expect(chunkCount(1000, 2, 1e9, 1)).toBe(8); // 4 per thread
    expect(chunkCount(3, 2, 1e9, 1)).toBe(3); // no more chunks than units
    expect(chunkCount(1000, 2, 5e5, 2e5)).toBe(2); // none below the minimum work
    expect(chunkCount(1000, 2, 1e5, 2e5)).toBe(1);
    expect(chunkCount(1e6, 64, 1e12, 1)).toBe(MAX_CHUNKS);
  });

  it('runs every chunk exactly once with the running thread’s argument, job after job', () => {
    const job = incrementJob(two, 128 * 41, MAX_CHUNKS);
    let workerChunks = 0;
    let r = 0;
    // at least 300 jobs, and on until the worker took part (a descheduled worker may miss many
    // short jobs on a busy machine; the bound only stops a worker that never runs at all)
    while (++r <= 300 || (workerChunks === 0 && r <= 100_000)) {
      pool.runChunks('x8_lut__scalar', job.args, job.options);
      const ran = pool.lastChunksRun();
      expect(ran.reduce((a, b) => a + b, 0)).toBe(MAX_CHUNKS);
      workerChunks += ran[1];
      if (r % 50 === 0) expect(job.wrongBytes(r)).toBe(0);
    }
    expect(job.wrongBytes(r - 1)).toBe(0);
    // both threads took part, so the worker's per-thread argument was checked too
    expect(workerChunks).toBeGreaterThan(0);
  });

  it('a held worker (descheduled, asleep) is absorbed: the caller runs every chunk, and the worker rejoins after', () => {
    const job = incrementJob(two, 16 * 1000, 16);
    pool.hold(1, true);
    try {
      for (let r = 1; r <= 3; r++) {
        pool.runChunks('x8_lut__scalar', job.args, job.options);
        expect(pool.lastChunksRun()).toEqual([16, 0]);
      }
      expect(job.wrongBytes(3)).toBe(0);
      // run's static shares are chunks too: the caller runs the held worker's share
      pool.run('x8_lut__scalar', job.args.slice(0, 2).map((a) => [a[0], a[1], a[2], job.options.threadValues[0]]));
      expect(pool.lastChunksRun()).toEqual([2, 0]);
      expect(job.wrongBytes(3)).toBe(2 * 1000);
      pool.runChunks('x8_lut__scalar', job.args.slice(2), job.options);
      expect(job.wrongBytes(4)).toBe(0);
      // a convolution with the worker held: the same bytes as the reference
      const c = randomConvCase(77, { N: 4, C: 32, H: 12, W: 12, M: 48, k: [3, 3], pads: [1, 1, 1, 1] }, { output: 'u8' });
      expect(firstMismatch(runConvCase(two, c).got, referenceQConv(c))).toBe(-1);
    } finally {
      pool.hold(1, false);
    }
    // released, the worker finds its stale job finished and claims nothing from it
    for (let r = 5; r <= 50; r++) {
      pool.runChunks('x8_lut__scalar', job.args, job.options);
      expect(pool.lastChunksRun().reduce((a, b) => a + b, 0)).toBe(16);
    }
    expect(job.wrongBytes(50)).toBe(0);
  });

  it('workers that stop taking part (held: a busy machine) leave the pool alone for a spell: every chunk on the caller, the same bytes; it probes them again after', () => {
    // jobs long enough (≥ 50 µs) to count as evidence of absent workers
    const job = incrementJob(two, 16 * 50_000, 16);
    const spells = pool.stats.aloneSpells;
    const aloneJobs = pool.stats.aloneJobs;
    pool.aloneMs = 1e9;
    pool.hold(1, true);
    let r = 0;
    try {
      // 24 of the last 32 jobs with no worker chunk start a spell; nothing else does
      for (; r < 24; r++) {
        expect(pool.stats.aloneSpells).toBe(spells);
        pool.runChunks('x8_lut__scalar', job.args, job.options);
      }
      expect(pool.stats.aloneSpells).toBe(spells + 1);
      // a first spell follows no other: it lasts aloneMs, not twice as long
      const until = (pool as unknown as { aloneUntil: number }).aloneUntil;
      expect(until - performance.now()).toBeGreaterThan(0.9e9);
      expect(until - performance.now()).toBeLessThanOrEqual(1e9);
      for (let i = 0; i < 5; i++, r++) {
        pool.runChunks('x8_lut__scalar', job.args, job.options);
        expect(pool.lastChunksRun()).toEqual([16, 0]);
      }
      expect(pool.stats.aloneJobs).toBe(aloneJobs + 5);
      expect(job.wrongBytes(r)).toBe(0);
    } finally {
      pool.hold(1, false);
      // ends the spell: the next jobs reach the worker again
      pool.aloneMs = 0;
    }
    expect(job.wrongBytes(r)).toBe(0);
    const small = incrementJob(two, 16 * 500, 16);
    let workerChunks = 0;
    let s = 0;
    for (; workerChunks === 0 && s < 100_000; s++) {
      pool.runChunks('x8_lut__scalar', small.args, small.options);
      workerChunks += pool.lastChunksRun()[1];
    }
    expect(workerChunks).toBeGreaterThan(0);
    expect(pool.stats.aloneJobs).toBe(aloneJobs + 5);
    expect(small.wrongBytes(s)).toBe(0);
  });

  it('a trapping chunk fails the job with a ThreadPoolError (not a hang), and the pool stays usable', () => {
    const job = incrementJob(two, 8 * 100, 8);
    const outOfBounds = two.memory.buffer.byteLength - 4;
    const bad = job.args.map((a, i) => (i % 3 === 1 ? [outOfBounds, outOfBounds, 1 << 20, a[3]] : a));
    for (let r = 0; r < 5; r++) {
      let err: unknown;
      try {
        pool.runChunks('x8_lut__scalar', bad, job.options);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ThreadPoolError);
      expect((err as ThreadPoolError).reason).toBe('trap');
    }
    const ok = incrementJob(two, 8 * 100, 8);
    pool.runChunks('x8_lut__scalar', ok.args, ok.options);
    expect(ok.wrongBytes(1)).toBe(0);
  });

  it('runChunks on a pool without a dynamic split falls back to rounds of the static run', () => {
    const job = incrementJob(two, 10 * 33, 10);
    const rounds: number[] = [];
    const plain: ThreadPool = { size: 2, run: (s, a, m) => (rounds.push(a.length), pool.run(s, a, m)), dispose: async () => {} };
    runChunks(plain, 'x8_lut__scalar', job.args, job.options);
    expect(rounds).toEqual([2, 2, 2, 2, 2]);
    expect(job.wrongBytes(1)).toBe(0);
  });

  it('a worker stuck in a chunk (descheduled for good) fails the job with a ThreadPoolError after the no-progress limit, and the pool stays failed', async () => {
    const k = await loadKernels({ threads: 2 });
    const p = k.pool as AtomicsThreadPool;
    try {
      p.noProgressLimitMs = 200;
      p.stall(1, true);
      const job = incrementJob(k, MAX_CHUNKS * 4096, MAX_CHUNKS);
      // the first job whose chunk the worker claims cannot finish (a job it is late for can)
      let err: unknown;
      for (let r = 0; r < 10_000 && !err; r++) {
        try {
          p.runChunks('x8_lut__scalar', job.args, job.options);
        } catch (e) {
          err = e;
        }
      }
      expect(err).toBeInstanceOf(ThreadPoolError);
      expect((err as ThreadPoolError).reason).toBe('no-progress');
      // that chunk may still run whenever the worker resumes: the pool refuses further jobs
      for (const attempt of [() => p.runChunks('x8_lut__scalar', job.args, job.options), () => p.run('x8_lut__scalar', [job.args[0]])]) {
        expect(attempt).toThrow(ThreadPoolError);
      }
    } finally {
      p.stall(1, false);
      await k.dispose();
    }
  });

  it('a worker that exited fails the next jobs with a ThreadPoolError naming it, static or dynamic, instead of hanging', async () => {
    const k = await loadKernels({ threads: 2 });
    try {
      const p = k.pool as AtomicsThreadPool;
      const job = incrementJob(k, 4 * 100, 4);
      p.kill(1);
      // the worker exits when it reads this job; the caller runs every chunk itself meanwhile
      p.runChunks('x8_lut__scalar', job.args, job.options);
      expect(job.wrongBytes(1)).toBe(0);
      // the exit is recorded by the worker itself (and by Node's exit event)
      for (let i = 0; i < 500; i++) {
        try {
          p.runChunks('x8_lut__scalar', job.args, job.options);
        } catch (e) {
          expect(e).toBeInstanceOf(ThreadPoolError);
          break;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      for (const attempt of [() => p.runChunks('x8_lut__scalar', job.args, job.options), () => p.run('x8_lut__scalar', [job.args[0], job.args[1]])]) {
        let err: unknown;
        try {
          attempt();
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(ThreadPoolError);
        expect((err as ThreadPoolError).reason).toBe('worker-exited');
        expect((err as Error).message).toMatch(/worker 1 exited/);
      }
    } finally {
      await k.dispose();
    }
  });
});
