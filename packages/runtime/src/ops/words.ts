// Data-movement ops (Gather, Transpose, Slice, Concat, Split) copy raw element bits. Viewing any
// tensor as 8-, 16- or 32-bit words keeps each copy loop monomorphic (one loop per word size
// instead of one megamorphic loop over eleven typed-array kinds); 8-byte elements are two words.
// Views are cached per typed array, so steady-state runs allocate nothing.

import type { TypedArray } from '../tensor.js';

export type Words = Uint8Array | Uint16Array | Uint32Array;

const cache = new WeakMap<TypedArray, Words>();

/** Words per element and the word view of `data`. */
export function wordsOf(data: TypedArray): Words {
  let w = cache.get(data);
  if (!w) {
    const bpe = data.BYTES_PER_ELEMENT;
    const { buffer, byteOffset, byteLength } = data;
    w = bpe === 1 ? new Uint8Array(buffer, byteOffset, byteLength)
      : bpe === 2 ? new Uint16Array(buffer, byteOffset, byteLength / 2)
      : new Uint32Array(buffer, byteOffset, byteLength / 4);
    cache.set(data, w);
  }
  return w;
}

const wide = new WeakMap<TypedArray, Uint32Array | null>();

/**
 * `data` as 32-bit words when its byte offset and length are multiples of 4, else null: byte or
 * 16-bit rows whose size is a whole number of words copy in a quarter (half) of the iterations.
 */
export function wordsOf32(data: TypedArray): Uint32Array | null {
  let w = wide.get(data);
  if (w === undefined) {
    const { buffer, byteOffset, byteLength } = data;
    w = byteOffset % 4 === 0 && byteLength % 4 === 0 ? new Uint32Array(buffer, byteOffset, byteLength / 4) : null;
    wide.set(data, w);
  }
  return w;
}

/** Words per element for a byte width (8-byte elements are two 32-bit words). */
export const wordsPerElement = (bytesPerElement: number) => (bytesPerElement === 8 ? 2 : 1);

const whole = new WeakMap<ArrayBufferLike, Uint8Array>();

function bytesOfBuffer(buffer: ArrayBufferLike): Uint8Array {
  let u = whole.get(buffer);
  if (!u) {
    u = new Uint8Array(buffer);
    whole.set(buffer, u);
  }
  return u;
}

/** dst[d..d+n) = src[s..s+n) in words; memmove when both share a buffer (the arena). */
export function copyWords(src: Words, s: number, dst: Words, d: number, n: number): void {
  if (n > 32 && src.buffer === dst.buffer) {
    const bpw = src.BYTES_PER_ELEMENT;
    const from = src.byteOffset + s * bpw;
    bytesOfBuffer(dst.buffer).copyWithin(dst.byteOffset + d * bpw, from, from + n * bpw);
    return;
  }
  if (src instanceof Uint32Array) copy32(src, s, dst as Uint32Array, d, n);
  else if (src instanceof Uint16Array) copy16(src, s, dst as Uint16Array, d, n);
  else copy8(src, s, dst as Uint8Array, d, n);
}

function copy32(a: Uint32Array, s: number, o: Uint32Array, d: number, n: number): void {
  for (let j = 0; j < n; j++) o[d + j] = a[s + j];
}
function copy16(a: Uint16Array, s: number, o: Uint16Array, d: number, n: number): void {
  for (let j = 0; j < n; j++) o[d + j] = a[s + j];
}
function copy8(a: Uint8Array, s: number, o: Uint8Array, d: number, n: number): void {
  for (let j = 0; j < n; j++) o[d + j] = a[s + j];
}
