// The quantized ops' access to @octet/kernels: the loaded module (or undefined → TypeScript
// path) and persistent scratch regions in WASM memory that activations are copied through.

import type { Kernels } from '@octet/kernels';
import type { OpContext } from '../../op-registry.js';
import type { TypedArray } from '../../tensor.js';

/** The WASM kernels if the session has them (the provider may be the Kernels object or wrap it). */
export function wasmKernels(ctx: Pick<OpContext, 'kernels'>): Kernels | undefined {
  const p = ctx.kernels as unknown as { kernels?: unknown; createQGemm?: unknown } | undefined;
  if (!p) return undefined;
  if (typeof p.createQGemm === 'function') return p as unknown as Kernels;
  const inner = p.kernels as { createQGemm?: unknown } | undefined;
  return inner && typeof inner.createQGemm === 'function' ? (inner as unknown as Kernels) : undefined;
}

/**
 * A region of WASM memory owned by one node, grown (never shrunk) as shapes require. Held in the
 * node's cache so every plan of the node shares it; `run` reads `ptr` after `ensure`.
 */
export class WasmScratch {
  ptr = 0;
  bytes = 0;
  constructor(private readonly k: Kernels) {}

  free(): void {
    if (this.ptr !== 0) this.k.heap.free(this.ptr);
    this.ptr = 0;
    this.bytes = 0;
  }

  ensure(bytes: number): number {
    if (bytes > this.bytes) {
      if (this.ptr !== 0) this.k.heap.free(this.ptr);
      this.ptr = this.k.heap.alloc(Math.max(bytes, 16), 64);
      this.bytes = bytes;
    }
    return this.ptr;
  }
}

export function scratchOf(ctx: OpContext, k: Kernels, key: string): WasmScratch {
  const id = `wasm:${key}`;
  let s = ctx.cache.get(id) as WasmScratch | undefined;
  if (!s) {
    s = new WasmScratch(k);
    ctx.cache.set(id, s);
    const made = s;
    ctx.onDispose(() => made.free());
  }
  return s;
}

/** Copies an 8-bit tensor into WASM memory at `ptr` (bytes preserved for either signedness). */
export function copyBytesIn(k: Kernels, src: Int8Array | Uint8Array, ptr: number): void {
  k.heap.u8.set(src as Uint8Array, ptr);
}

export function copyF32In(k: Kernels, src: Float32Array, ptr: number): void {
  k.heap.f32.set(src, ptr >> 2);
}

/** Copies n elements of the kernels' output (dtype of `dst`) from WASM memory at `ptr`. */
export function copyOut(k: Kernels, ptr: number, dst: TypedArray, n: number): void {
  if (dst instanceof Float32Array) {
    const v = k.heap.f32;
    const o = ptr >> 2;
    for (let i = 0; i < n; i++) dst[i] = v[o + i];
  } else if (dst instanceof Int32Array) {
    const v = k.heap.i32;
    const o = ptr >> 2;
    for (let i = 0; i < n; i++) dst[i] = v[o + i];
  } else if (dst instanceof Int8Array) {
    const v = k.heap.i8;
    for (let i = 0; i < n; i++) dst[i] = v[ptr + i];
  } else {
    const v = k.heap.u8;
    for (let i = 0; i < n; i++) (dst as Uint8Array)[i] = v[ptr + i];
  }
}

/** A constant tensor's bytes copied into WASM memory once per node (kept in the node's cache). */
export function constantInWasm(ctx: OpContext, k: Kernels, key: string, data: ArrayBufferView): number {
  const id = `wasm-const:${key}`;
  let p = ctx.cache.get(id) as number | undefined;
  if (p === undefined) {
    p = k.heap.put(data);
    ctx.cache.set(id, p);
    const made = p;
    ctx.onDispose(() => k.heap.free(made));
  }
  return p;
}

/** True when every array is a view of the kernels' memory (the session arena): use pointers. */
export function inWasm(k: Kernels, ...arrays: ArrayBufferView[]): boolean {
  const mem = k.memory.buffer;
  for (const a of arrays) if (a.buffer !== mem) return false;
  return true;
}
