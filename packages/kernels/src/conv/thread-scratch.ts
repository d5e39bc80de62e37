import type { WasmHeap } from '../memory/heap.js';

/**
 * Per-thread scratch shared by every convolution on one heap: runs are synchronous and never
 * overlap, so one region per thread serves them all (a model's convs would otherwise hold one each).
 * Grown when a convolution is created, never during a run; freed with its last user. Users read
 * `ptrs` at run time, since growing moves it.
 */
export class ThreadScratch {
  ptrs: number[] = [];
  private bytes = 0;
  private users = 0;

  private constructor(private readonly heap: WasmHeap) {}

  private static readonly byHeap = new WeakMap<WasmHeap, ThreadScratch>();

  /** Registers a user needing `bytes` per thread for `threads` threads. */
  static acquire(heap: WasmHeap, threads: number, bytes: number): ThreadScratch {
    let s = ThreadScratch.byHeap.get(heap);
    if (!s) {
      s = new ThreadScratch(heap);
      ThreadScratch.byHeap.set(heap, s);
    }
    s.users++;
    s.grow(threads, bytes);
    return s;
  }

  private grow(threads: number, bytes: number): void {
    if (bytes <= this.bytes && threads <= this.ptrs.length) return;
    const want = Math.max((bytes + 63) & ~63, this.bytes);
    const count = Math.max(threads, this.ptrs.length);
    this.releaseAll();
    // whole cache lines per thread (no line shared between two threads' regions)
    for (let t = 0; t < count; t++) this.ptrs.push(this.heap.alloc(want, 64));
    this.bytes = want;
  }

  private releaseAll(): void {
    for (const p of this.ptrs) this.heap.free(p);
    this.ptrs = [];
    this.bytes = 0;
  }

  release(): void {
    if (--this.users > 0) return;
    this.releaseAll();
    ThreadScratch.byHeap.delete(this.heap);
  }
}
