import type { WasmHeap } from './heap.js';
import { KernelMemoryError } from './kernel-memory-error.js';

const PAGE = 65536;

interface Block {
  ptr: number;
  size: number;
}

/**
 * First-fit free list with coalescing above a bump pointer. Kernels never allocate: the host owns
 * all memory above the module's static data (`octet_heap_base`).
 */
export class WasmHeapImpl implements WasmHeap {
  readonly memory: WebAssembly.Memory;
  private top: number;
  private readonly sizes = new Map<number, number>();
  private readonly freeList: Block[] = []; // sorted by ptr
  private buffer: ArrayBuffer | SharedArrayBuffer | null = null;
  private views!: { u8: Uint8Array; i8: Int8Array; i16: Int16Array; i32: Int32Array; f32: Float32Array };
  private used = 0;
  private readonly marks: number[][] = [];

  constructor(memory: WebAssembly.Memory, heapBase: number) {
    this.memory = memory;
    this.top = align(Math.max(heapBase, 1024), 64);
  }

  get allocated(): number {
    return this.used;
  }

  alloc(bytes: number, alignment = 16): number {
    if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`alloc: invalid size ${bytes}`);
    const size = align(Math.max(bytes, 1), 16);
    for (let i = 0; i < this.freeList.length; i++) {
      const b = this.freeList[i];
      const ptr = align(b.ptr, alignment);
      const waste = ptr - b.ptr;
      if (b.size - waste < size) continue;
      return this.takeFrom(i, ptr, size);
    }
    const ptr = align(this.top, alignment);
    this.ensure(ptr + size);
    if (ptr > this.top) this.insertFree(this.top, ptr - this.top);
    this.top = ptr + size;
    return this.record(ptr, size);
  }

  free(ptr: number): void {
    if (ptr === 0) return;
    const size = this.sizes.get(ptr);
    if (size === undefined) throw new Error(`free: ${ptr} is not an allocated block`);
    this.sizes.delete(ptr);
    this.used -= size;
    for (const m of this.marks) {
      const i = m.indexOf(ptr);
      if (i >= 0) m.splice(i, 1);
    }
    this.insertFree(ptr, size);
  }

  mark(): number {
    this.marks.push([]);
    return this.marks.length;
  }

  release(mark: number): void {
    while (this.marks.length >= mark) {
      const ptrs = this.marks.pop()!;
      for (const p of ptrs) {
        const size = this.sizes.get(p);
        if (size === undefined) continue;
        this.sizes.delete(p);
        this.used -= size;
        this.insertFree(p, size);
      }
    }
  }

  put(data: ArrayBufferView): number {
    const ptr = this.alloc(data.byteLength);
    this.u8.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), ptr);
    return ptr;
  }

  get u8(): Uint8Array {
    return this.v().u8;
  }
  get i8(): Int8Array {
    return this.v().i8;
  }
  get i16(): Int16Array {
    return this.v().i16;
  }
  get i32(): Int32Array {
    return this.v().i32;
  }
  get f32(): Float32Array {
    return this.v().f32;
  }

  private v() {
    const buf = this.memory.buffer;
    if (buf !== this.buffer) {
      this.buffer = buf;
      this.views = {
        u8: new Uint8Array(buf),
        i8: new Int8Array(buf),
        i16: new Int16Array(buf),
        i32: new Int32Array(buf),
        f32: new Float32Array(buf),
      };
    }
    return this.views;
  }

  private takeFrom(i: number, ptr: number, size: number): number {
    const b = this.freeList[i];
    const blockEnd = b.ptr + b.size;
    this.freeList.splice(i, 1);
    if (ptr > b.ptr) this.insertFree(b.ptr, ptr - b.ptr);
    if (blockEnd > ptr + size) this.insertFree(ptr + size, blockEnd - (ptr + size));
    return this.record(ptr, size);
  }

  private record(ptr: number, size: number): number {
    this.sizes.set(ptr, size);
    this.used += size;
    if (this.marks.length) this.marks[this.marks.length - 1].push(ptr);
    return ptr;
  }

  private insertFree(ptr: number, size: number): void {
    const list = this.freeList;
    let i = 0;
    while (i < list.length && list[i].ptr < ptr) i++;
    list.splice(i, 0, { ptr, size });
    // coalesce with the next, then the previous block
    if (i + 1 < list.length && ptr + size === list[i + 1].ptr) {
      list[i].size += list[i + 1].size;
      list.splice(i + 1, 1);
    }
    if (i > 0 && list[i - 1].ptr + list[i - 1].size === ptr) {
      list[i - 1].size += list[i].size;
      list.splice(i, 1);
      i--;
    }
    // a free block touching the bump pointer returns to it
    const last = list[list.length - 1];
    if (last && last.ptr + last.size === this.top) {
      this.top = last.ptr;
      list.pop();
    }
  }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / PAGE);
    try {
      this.memory.grow(pages);
    } catch (e) {
      throw new KernelMemoryError(end, have, (e as Error).message);
    }
  }
}

function align(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}
