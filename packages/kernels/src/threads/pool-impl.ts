import type { ThreadPool, ThreadPoolInit } from './pool.js';
import { MAX_ARGS, SLOT_WORDS, SPIN_LIMIT } from './worker-source.js';

/** Handle on one started worker, whatever the platform. */
export interface WorkerHandle {
  terminate(): Promise<unknown> | void;
}

const NO_PROGRESS_LIMIT_MS = 120_000;

/** The platform-independent half of a pool: the shared control block and the `run` protocol. */
export class AtomicsThreadPool implements ThreadPool {
  readonly size: number;
  private readonly ctl: Int32Array;
  private readonly ctlF: Float32Array;
  private readonly seq: number[];
  private readonly index = new Map<string, number>();
  private readonly own: ((...a: number[]) => unknown)[];
  private disposed = false;

  constructor(
    init: ThreadPoolInit,
    readonly control: SharedArrayBuffer,
    private readonly workers: WorkerHandle[],
  ) {
    this.size = init.threads;
    this.ctl = new Int32Array(control);
    this.ctlF = new Float32Array(control);
    this.seq = new Array(init.threads).fill(0);
    this.own = init.symbols.map((s, i) => {
      this.index.set(s, i);
      const f = init.instance.exports[s];
      if (typeof f !== 'function') throw new Error(`thread pool: the module has no export ${s}`);
      return f as (...a: number[]) => unknown;
    });
  }

  static controlBuffer(threads: number): SharedArrayBuffer {
    return new SharedArrayBuffer(4 * SLOT_WORDS * (threads + 1));
  }

  run(symbol: string, args: readonly (readonly number[])[], f32Mask = 0): void {
    if (this.disposed) throw new Error('thread pool: used after dispose()');
    const fi = this.index.get(symbol);
    if (fi === undefined) throw new Error(`thread pool: ${symbol} was not registered with the pool`);
    if (args.length > this.size) throw new RangeError(`thread pool: ${args.length} shares for ${this.size} threads`);
    const ctl = this.ctl;
    Atomics.store(ctl, 0, 0);
    Atomics.store(ctl, 1, 0);
    for (let t = 1; t < args.length; t++) {
      const a = args[t];
      if (a.length > MAX_ARGS) throw new RangeError(`thread pool: ${a.length} arguments, at most ${MAX_ARGS}`);
      const base = SLOT_WORDS * t;
      ctl[base + 1] = fi;
      ctl[base + 2] = a.length;
      ctl[base + 3] = f32Mask;
      for (let i = 0; i < a.length; i++) {
        if ((f32Mask >>> i) & 1) this.ctlF[base + 4 + i] = a[i];
        else ctl[base + 4 + i] = a[i];
      }
      this.seq[t] = (this.seq[t] + 1) & 0x3fffffff;
      Atomics.store(ctl, base, this.seq[t]);
      Atomics.notify(ctl, base);
    }
    this.own[fi](...args[0]);
    const want = args.length - 1;
    let done = Atomics.load(ctl, 0);
    let spins = 0;
    let last = done;
    let since = Date.now();
    while (done < want) {
      if (++spins > SPIN_LIMIT) {
        Atomics.wait(ctl, 0, done, 100);
        spins = 0;
        if (done !== last) {
          last = done;
          since = Date.now();
        } else if (Date.now() - since > NO_PROGRESS_LIMIT_MS) {
          throw new Error(`thread pool: no progress on ${symbol} for ${NO_PROGRESS_LIMIT_MS / 1000} s`);
        }
      }
      done = Atomics.load(ctl, 0);
    }
    if (Atomics.load(ctl, 1) !== 0) throw new Error(`thread pool: ${symbol} trapped in a worker`);
  }

  wake(): void {
    if (this.disposed) return;
    // a notify with the slot's sequence unchanged: the worker wakes, sees no new job, spins again
    for (let t = 1; t < this.size; t++) Atomics.notify(this.ctl, SLOT_WORDS * t);
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
}
