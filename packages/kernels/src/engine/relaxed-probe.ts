// Numeric probe of i32x4.relaxed_dot_i8x16_i7x16_add_s. The relaxed GEMM relies on the second
// operand being read as UNSIGNED bytes with exact 32-bit accumulation (what VNNI vpdpbusd does).
// Engines may instead read it as signed, or saturate pairwise sums in 16 bits (pmaddubsw lowering,
// as Node 20's baseline tier does): any of those fails here, and the loader keeps the baseline build.
import type { WasmHeap } from '../memory/heap.js';

type ProbeFn = (a: number, b: number, c: number, out: number, n: number) => void;

function probeVectors(): { a: Int8Array; b: Uint8Array; c: Int32Array } {
  const n = 24;
  const a = new Int8Array(n * 16);
  const b = new Uint8Array(n * 16);
  const c = new Int32Array(n * 4);
  let s = 0x12345678;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) & 0xff;
  for (let i = 0; i < a.length; i++) {
    a[i] = rnd() - 128;
    b[i] = rnd();
  }
  for (let i = 0; i < c.length; i++) c[i] = (rnd() << 16) - (rnd() << 8);
  // extremes: every pairwise sum overflows i16, both signs
  a.fill(-128, 0, 16);
  b.fill(255, 0, 16);
  a.fill(127, 16, 32);
  b.fill(255, 16, 32);
  for (let i = 32; i < 48; i++) {
    a[i] = i % 2 ? -128 : 127;
    b[i] = i % 2 ? 200 : 129;
  }
  return { a, b, c };
}

export function expectedRelaxedDot(a: Int8Array, b: Uint8Array, c: Int32Array): Int32Array {
  const out = new Int32Array(c.length);
  for (let l = 0; l < c.length; l++) {
    let s = c[l];
    for (let i = 0; i < 4; i++) s += a[l * 4 + i] * b[l * 4 + i];
    out[l] = s | 0;
  }
  return out;
}

/**
 * Runs the probe exported by the relaxed build several times (so it also runs after tier-up)
 * and returns true only if every result is exact.
 */
export function probeRelaxedDot(probe: ProbeFn, heap: WasmHeap, rounds = 40): boolean {
  const { a, b, c } = probeVectors();
  const want = expectedRelaxedDot(a, b, c);
  const n = c.length / 4;
  const pa = heap.put(a);
  const pb = heap.put(b);
  const pc = heap.put(c);
  const po = heap.alloc(c.byteLength);
  try {
    for (let r = 0; r < rounds; r++) {
      heap.i32.fill(0, po >> 2, (po >> 2) + c.length);
      probe(pa, pb, pc, po, n);
      const got = heap.i32.subarray(po >> 2, (po >> 2) + c.length);
      for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) return false;
    }
    return true;
  } finally {
    heap.free(pa);
    heap.free(pb);
    heap.free(pc);
    heap.free(po);
  }
}
