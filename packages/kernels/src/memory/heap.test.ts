import { describe, expect, it } from 'vitest';
import { WasmHeapImpl } from './heap-impl.js';
import { KernelMemoryError } from './kernel-memory-error.js';

const heapOf = (pages = 1) => new WasmHeapImpl(new WebAssembly.Memory({ initial: pages, maximum: 64 }), 1024);

describe('WasmHeap', () => {
  it('aligns, never overlaps live blocks, and reuses freed space (first fit, coalescing)', () => {
    const h = heapOf();
    const blocks: [number, number][] = [];
    for (const [size, align] of [[10, 16], [100, 64], [33, 16], [7, 256], [500, 16]]) {
      const p = h.alloc(size, align);
      expect(p % align).toBe(0);
      for (const [q, n] of blocks) expect(p + size <= q || q + n <= p).toBe(true);
      blocks.push([p, size]);
    }
    const h2 = heapOf();
    const a = h2.alloc(16);
    const b = h2.alloc(100);
    h2.alloc(16);
    h2.free(a);
    h2.free(b);
    // a and b coalesced: a block of their combined size fits where a was
    expect(h2.alloc(120)).toBe(a);
    expect(h2.allocated).toBe(128 + 16);
  });

  it('grows the memory and re-creates views after growth', () => {
    const h = heapOf(1);
    const v1 = h.u8;
    const p = h.alloc(200_000);
    expect(h.memory.buffer.byteLength).toBeGreaterThanOrEqual(p + 200_000);
    expect(h.u8 === v1).toBe(false);
    expect(h.u8.length).toBe(h.memory.buffer.byteLength);
    h.f32[(p >> 2) + 10] = 1.5;
    expect(h.f32[(p >> 2) + 10]).toBe(1.5);
  });

  it('a growth past the memory maximum is a typed KernelMemoryError that says what was asked', () => {
    const h = heapOf(1); // maximum: 64 pages = 4 MiB
    h.alloc(1000);
    let err: unknown;
    try {
      h.alloc(8 * 1024 * 1024);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KernelMemoryError);
    expect(err).toBeInstanceOf(RangeError);
    const m = err as KernelMemoryError;
    expect(m.currentBytes).toBe(65536);
    expect(m.requestedBytes).toBeGreaterThan(8 * 1024 * 1024);
    expect(m.message).toMatch(/cannot grow WebAssembly memory from 65536 to \d+ bytes/);
    // the heap stays usable after the refusal
    expect(h.alloc(100)).toBeGreaterThan(0);
  });

  it('mark/release frees everything allocated since the mark', () => {
    const h = heapOf();
    const keep = h.alloc(64);
    const m = h.mark();
    h.alloc(1000);
    h.put(new Float32Array(50));
    h.release(m);
    expect(h.allocated).toBe(64);
    expect(h.alloc(1000)).toBe(keep + 64);
  });

  it('returns the top block to the bump pointer and rejects bad frees and sizes', () => {
    const h = heapOf();
    const a = h.alloc(16);
    h.free(a);
    expect(h.alloc(16)).toBe(a);
    expect(() => h.free(12345)).toThrow(/not an allocated block/);
    expect(() => h.alloc(-1)).toThrow(/invalid size/);
    expect(() => h.alloc(1 << 30)).toThrow(/cannot grow/);
  });
});
