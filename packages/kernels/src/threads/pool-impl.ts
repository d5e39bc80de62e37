import type { ChunkOptions, ThreadPool, ThreadPoolInit } from './pool.js';
import { ThreadPoolError } from './pool.js';
import {
  CTL_CHUNKS_DONE, CTL_CLAIM, CTL_DEAD, CTL_ERROR, CTL_HOLD, CTL_KILL, CTL_WORKER_SPIN, GEN_MASK, MAX_ARGS, MAX_CHUNKS, ROW_WORDS,
  S_CHUNKS, S_CHUNKS_RUN, S_FN, S_GEN, S_THREAD_ARG, S_THREAD_VALUE, SLOT_WORDS, SPIN_LIMIT, WORKER_SPIN_LIMIT, chunkTableOffset,
} from './worker-source.js';

/** Handle on one started worker, whatever the platform. */
export interface WorkerHandle {
  terminate(): Promise<unknown> | void;
}

const NO_PROGRESS_LIMIT_MS = 120_000;
/** Of the last 32 jobs of two chunks or more, this many run by the caller alone send the pool alone (below). */
const ALONE_AFTER_SOLO_JOBS = 24;
/**
 * Only a job at least this long (ms) tells whether the workers take part: a spinning worker joins
 * within a microsecond, so a longer job it left to the caller means it had no core (or slept).
 */
const ALONE_EVIDENCE_MS = 0.05;
const NO_OPTIONS: ChunkOptions = {};

/**
 * The platform-independent half of a pool: the shared control block and the job protocol
 * (worker-source.ts). Every job, `run`'s shares included, is a set of chunks any thread may claim.
 */
export class AtomicsThreadPool implements ThreadPool {
  readonly size: number;
  private readonly ctl: Int32Array;
  private readonly ctlF: Float32Array;
  private readonly seq: number[];
  private readonly table: number;
  private readonly index = new Map<string, number>();
  private readonly own: ((...a: number[]) => unknown)[];
  private readonly chunksRun: number[];
  private readonly args: number[][] = Array.from({ length: MAX_ARGS + 1 }, (_, n) => new Array<number>(n).fill(0));
  private gen = 0;
  private disposed = false;
  /** Set when a job gave up on a worker still running a chunk: that chunk may finish any time later. */
  private stuck = '';
  /** How long a job may make no progress before it fails (tests shorten it). */
  noProgressLimitMs = NO_PROGRESS_LIMIT_MS;
  /**
   * The caller waiting for workers' last chunks spins this long at least (ms), and three times its
   * own mean chunk time, then sleeps: a worker still busy after that was descheduled, and a
   * spinning caller would keep it from the core it needs.
   */
  chunkWaitMinMs = 0.05;
  /**
   * How long (ms) the pool runs every job on the calling thread once the workers stopped taking
   * part: ALONE_AFTER_SOLO_JOBS of the last 32 jobs (of 50 µs or more) found no worker claiming a chunk, which happens
   * when other processes hold the cores. Idle workers spin, and a spinning worker without a core
   * of its own takes the caller's: measured on a 2-core box kept busy by others, mobilenet b32 on 2
   * threads ran 0.55–0.58× of one thread with spinning workers, 0.88–0.90× with sleeping ones. So
   * the workers are left to sleep, and after this spell the next jobs probe them again; a spell
   * that follows the last one within 64 jobs lasts twice as long, up to 16 times. 0: never;
   * setting it ends a spell.
   */
  get aloneMs(): number {
    return this.aloneSpellMs;
  }

  set aloneMs(ms: number) {
    this.aloneSpellMs = ms;
    this.aloneUntil = 0;
    this.soloHistory = 0;
    this.aloneStreak = 0;
    this.publishedSinceSpell = Infinity;
  }

  private aloneSpellMs = 50;
  /**
   * Spells in a row (each within 64 published jobs of the last), and jobs published since the last
   * (Infinity before the first: a first spell has no last one to follow, and lasts aloneMs).
   */
  private aloneStreak = 0;
  private publishedSinceSpell = Infinity;
  /** Bit per recent job of ≥ 2 chunks (newest in bit 0): 1 when the caller ran every chunk. */
  private soloHistory = 0;
  /** performance.now() until which jobs run on the caller alone (0: not alone). */
  private aloneUntil = 0;
  /**
   * Jobs, their time, waits past the spin deadline (a worker descheduled mid-chunk), jobs the
   * caller ran alone though published, spells alone (aloneMs) and the jobs run in them.
   */
  readonly stats = { jobs: 0, jobMs: 0, stalls: 0, stallMs: 0, solo: 0, aloneSpells: 0, aloneJobs: 0 };

  constructor(
    init: ThreadPoolInit,
    readonly control: SharedArrayBuffer,
    private readonly workers: WorkerHandle[],
  ) {
    this.size = init.threads;
    this.ctl = new Int32Array(control);
    this.ctlF = new Float32Array(control);
    this.seq = new Array(init.threads).fill(0);
    this.chunksRun = new Array(init.threads).fill(0);
    this.table = chunkTableOffset(init.threads);
    this.own = init.symbols.map((s, i) => {
      this.index.set(s, i);
      const f = init.instance.exports[s];
      if (typeof f !== 'function') throw new Error(`thread pool: the module has no export ${s}`);
      return f as (...a: number[]) => unknown;
    });
  }

  static controlBuffer(threads: number): SharedArrayBuffer {
    const control = new SharedArrayBuffer(4 * (chunkTableOffset(threads) + MAX_CHUNKS * ROW_WORDS));
    new Int32Array(control)[CTL_WORKER_SPIN] = WORKER_SPIN_LIMIT;
    return control;
  }

  /** Busy-wait iterations of an idle worker before it sleeps in Atomics.wait. */
  get workerSpin(): number {
    return this.ctl[CTL_WORKER_SPIN];
  }

  set workerSpin(n: number) {
    Atomics.store(this.ctl, CTL_WORKER_SPIN, n);
  }

  run(symbol: string, args: readonly (readonly number[])[], f32Mask = 0): void {
    if (args.length > this.size) throw new RangeError(`thread pool: ${args.length} shares for ${this.size} threads`);
    this.job(symbol, args, f32Mask ? { f32Mask } : NO_OPTIONS);
  }

  runChunks(symbol: string, chunks: readonly (readonly number[])[], options: ChunkOptions = NO_OPTIONS): void {
    this.job(symbol, chunks, options);
  }

  private job(symbol: string, chunks: readonly (readonly number[])[], options: ChunkOptions): void {
    if (this.disposed) throw new ThreadPoolError('disposed', symbol, 'thread pool: used after dispose()');
    const fi = this.index.get(symbol);
    if (fi === undefined) throw new Error(`thread pool: ${symbol} was not registered with the pool`);
    this.checkAlive(symbol);
    const n = chunks.length;
    if (n === 0) return;
    if (n > MAX_CHUNKS) throw new RangeError(`thread pool: ${n} chunks, at most ${MAX_CHUNKS}`);
    const f32Mask = options.f32Mask ?? 0;
    const threadArg = options.threadArg ?? -1;
    const values = options.threadValues;
    if (threadArg >= 0 && (!values || values.length < this.size)) throw new RangeError(`thread pool: threadArg needs ${this.size} thread values`);
    const { ctl, ctlF } = this;
    if (this.aloneUntil !== 0) {
      if (performance.now() < this.aloneUntil) {
        this.runAlone(symbol, fi, chunks, threadArg, values);
        return;
      }
      this.aloneUntil = 0;
    }
    for (let c = 0; c < n; c++) {
      const a = chunks[c];
      if (a.length > MAX_ARGS) throw new RangeError(`thread pool: ${a.length} arguments, at most ${MAX_ARGS}`);
      const row = this.table + c * ROW_WORDS;
      ctl[row] = a.length;
      ctl[row + 1] = f32Mask;
      for (let i = 0; i < a.length; i++) {
        if ((f32Mask >>> i) & 1) ctlF[row + 2 + i] = a[i];
        else ctl[row + 2 + i] = a[i];
      }
    }
    Atomics.store(ctl, CTL_CHUNKS_DONE, 0);
    Atomics.store(ctl, CTL_ERROR, 0);
    this.gen = (this.gen + 1) & GEN_MASK;
    const gen = this.gen;
    Atomics.store(ctl, CTL_CLAIM, gen << 8);
    const helpers = Math.min(this.size, n);
    for (let t = 1; t < helpers; t++) this.publish(t, fi, n, gen, threadArg, threadArg >= 0 ? values![t] : 0);
    // the caller claims chunks like any worker
    const fn = this.own[fi];
    let failure: unknown;
    let run = 0;
    const t0 = performance.now();
    for (;;) {
      const w = Atomics.load(ctl, CTL_CLAIM);
      if ((w & 255) >= n) break;
      if (Atomics.compareExchange(ctl, CTL_CLAIM, w, w + 1) !== w) continue;
      try {
        this.callChunk(fn, chunks[w & 255], threadArg, values);
      } catch (e) {
        failure ??= e;
      }
      run++;
      Atomics.add(ctl, CTL_CHUNKS_DONE, 1);
    }
    const t1 = performance.now();
    const deadline = t1 + Math.max(this.chunkWaitMinMs, run > 0 ? (3 * (t1 - t0)) / run : 0);
    this.waitFor(n, symbol, deadline);
    const t2 = performance.now();
    const st = this.stats;
    st.jobs++;
    st.jobMs += t2 - t0;
    if (t2 > deadline) {
      st.stalls++;
      st.stallMs += t2 - deadline;
    }
    if (run === n) st.solo++;
    if (n >= 2 && this.aloneSpellMs > 0 && t2 - t0 >= ALONE_EVIDENCE_MS) {
      this.publishedSinceSpell++;
      this.soloHistory = (this.soloHistory << 1) | (run === n ? 1 : 0);
      if (popCount(this.soloHistory) >= ALONE_AFTER_SOLO_JOBS) {
        this.aloneStreak = this.publishedSinceSpell <= 64 ? Math.min(this.aloneStreak + 1, 4) : 0;
        this.publishedSinceSpell = 0;
        this.soloHistory = 0;
        this.aloneUntil = t2 + this.aloneSpellMs * 2 ** this.aloneStreak;
        st.aloneSpells++;
      }
    }
    this.chunksRun[0] = run;
    for (let t = 1; t < this.size; t++) this.chunksRun[t] = t < helpers ? ctl[SLOT_WORDS * t + S_CHUNKS_RUN] : 0;
    if (failure !== undefined) throw new ThreadPoolError('trap', symbol, `thread pool: ${symbol} trapped on the calling thread`, { cause: failure });
    if (Atomics.load(ctl, CTL_ERROR) !== 0) throw new ThreadPoolError('trap', symbol, `thread pool: ${symbol} trapped in a worker`);
  }

  /** Runs one chunk on the calling thread (its arguments through a reused array), with the caller's thread value. */
  private callChunk(fn: (...a: number[]) => unknown, src: readonly number[], threadArg: number, values: readonly number[] | undefined): void {
    const a = this.args[src.length];
    for (let i = 0; i < src.length; i++) a[i] = src[i];
    if (threadArg >= 0 && threadArg < a.length) a[threadArg] = values![0];
    fn(...a);
  }

  /** Every chunk on the calling thread, the workers left asleep (a spell alone: aloneMs). */
  private runAlone(symbol: string, fi: number, chunks: readonly (readonly number[])[], threadArg: number, values: readonly number[] | undefined): void {
    const fn = this.own[fi];
    for (let c = 0; c < chunks.length; c++) {
      try {
        this.callChunk(fn, chunks[c], threadArg, values);
      } catch (e) {
        throw new ThreadPoolError('trap', symbol, `thread pool: ${symbol} trapped on the calling thread`, { cause: e });
      }
    }
    this.stats.aloneJobs++;
    this.chunksRun[0] = chunks.length;
    for (let t = 1; t < this.size; t++) this.chunksRun[t] = 0;
  }

  get jobCount(): number {
    return this.stats.jobs + this.stats.aloneJobs;
  }

  /** Chunks each thread ran in the last job (index 0: the caller). */
  lastChunksRun(): readonly number[] {
    return [...this.chunksRun];
  }

  wake(): void {
    // alone, the workers stay asleep (woken, they would spin on a core the caller needs)
    if (this.disposed || (this.aloneUntil !== 0 && performance.now() < this.aloneUntil)) return;
    // a notify with the slot's sequence unchanged: the worker wakes, sees no new job, spins again
    for (let t = 1; t < this.size; t++) Atomics.notify(this.ctl, SLOT_WORDS * t);
  }

  /**
   * Test hooks: a held worker takes its next job's description but claims nothing until released
   * (a descheduled or sleeping worker); a killed worker exits at its next job.
   */
  hold(slot: number, on: boolean): void {
    this.hook(1 << slot, on);
  }

  /** Test hook: the worker stops after claiming its next chunk until released (descheduled mid-chunk). */
  stall(slot: number, on: boolean): void {
    this.hook(1 << (slot + 16), on);
  }

  private hook(bits: number, on: boolean): void {
    if (on) Atomics.or(this.ctl, CTL_HOLD, bits);
    else Atomics.and(this.ctl, CTL_HOLD, ~bits);
    Atomics.notify(this.ctl, CTL_HOLD);
  }

  kill(slot: number): void {
    Atomics.or(this.ctl, CTL_KILL, 1 << slot);
  }

  /** Records that a worker exited (its platform's exit or error event). */
  markExited(slot: number): void {
    Atomics.or(this.ctl, CTL_DEAD, 1 << slot);
    Atomics.notify(this.ctl, CTL_CHUNKS_DONE);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (let t = 1; t < this.size; t++) {
      Atomics.store(this.ctl, SLOT_WORDS * t, -1);
      Atomics.notify(this.ctl, SLOT_WORDS * t);
    }
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private checkAlive(symbol: string): void {
    if (this.stuck) throw new ThreadPoolError('no-progress', symbol, `${this.stuck} (a worker may still run its chunk); dispose the kernels and load them again`);
    const dead = Atomics.load(this.ctl, CTL_DEAD);
    if (dead === 0) return;
    const slot = 31 - Math.clz32(dead & -dead);
    throw new ThreadPoolError('worker-exited', symbol, `thread pool: worker ${slot} exited; dispose the kernels and load them again`);
  }

  /** Writes slot t as a seqlock (odd while written), then wakes its worker. */
  private publish(t: number, fi: number, chunks: number, gen: number, threadArg: number, threadValue: number): void {
    const ctl = this.ctl;
    const base = SLOT_WORDS * t;
    Atomics.store(ctl, base, this.seq[t] + 1);
    ctl[base + S_FN] = fi;
    ctl[base + S_CHUNKS] = chunks;
    ctl[base + S_GEN] = gen;
    ctl[base + S_THREAD_ARG] = threadArg;
    ctl[base + S_THREAD_VALUE] = threadValue;
    ctl[base + S_CHUNKS_RUN] = 0;
    this.seq[t] = (this.seq[t] + 2) & 0x3ffffffe;
    Atomics.store(ctl, base, this.seq[t]);
    Atomics.notify(ctl, base);
  }

  /**
   * Spins (SPIN_LIMIT iterations at most, and not past performance.now() = `spinUntil`), then
   * sleeps, until all `want` chunks are done; fails on an exited worker or no progress.
   */
  private waitFor(want: number, symbol: string, spinUntil: number): void {
    const ctl = this.ctl;
    let done = Atomics.load(ctl, CTL_CHUNKS_DONE);
    let spins = 0;
    let last = done;
    let since = Date.now();
    while (done < want) {
      if (++spins > SPIN_LIMIT || ((spins & 255) === 0 && performance.now() > spinUntil)) {
        Atomics.wait(ctl, CTL_CHUNKS_DONE, done, 100);
        spins = 0;
        this.checkAlive(symbol);
        if (done !== last) {
          last = done;
          since = Date.now();
        } else if (Date.now() - since > this.noProgressLimitMs) {
          this.stuck = `thread pool: no progress on ${symbol} for ${this.noProgressLimitMs / 1000} s`;
          throw new ThreadPoolError('no-progress', symbol, `${this.stuck}; dispose the kernels and load them again`);
        }
      }
      done = Atomics.load(ctl, CTL_CHUNKS_DONE);
    }
  }
}

function popCount(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}
