/** Typed views and an allocator over the kernels' WebAssembly memory. */
export interface WasmHeap {
  readonly memory: WebAssembly.Memory;
  /** Allocates `bytes` (aligned to `align`, default 16), growing the memory when needed. */
  alloc(bytes: number, align?: number): number;
  /** Returns a block from `alloc` to the heap. Freeing 0 is a no-op. */
  free(ptr: number): void;
  /** Frees every allocation made after `mark()` returned `mark` (arena-style scratch). */
  mark(): number;
  release(mark: number): void;
  /** Bytes currently allocated. */
  readonly allocated: number;
  // Views are re-created transparently when the memory grows; do not cache them across allocs.
  readonly u8: Uint8Array;
  readonly i8: Int8Array;
  readonly i16: Int16Array;
  readonly i32: Int32Array;
  readonly f32: Float32Array;
  /** Copies a typed array into a fresh allocation and returns its pointer. */
  put(data: ArrayBufferView): number;
}
