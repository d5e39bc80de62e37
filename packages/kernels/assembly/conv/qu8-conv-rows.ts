// Whole integer convolution (1×1 or im2col + GEMM) over a range of GEMM rows in one call, so a
// thread pool splits a batch with one round trip per conv: each thread runs its own rows through
// im2col → pack → GEMM in cache-sized chunks with its own scratch, and the im2col buffer never
// holds more than one chunk.
//
// Rows are (outer, inner) pairs numbered outer-major, r = outer·I + inner; a chunk is a run of
// inner indices within one outer index. Two orders:
//   image-major (outer = image n, inner = output pixel p): the im2col and per-image 1×1 paths;
//   position-major (outer = pixel p, inner = image n): 1×1 on planes smaller than the batch, where
//     a chunk's rows are the images at one pixel.
// Row (n, p) of A reads the image at x + n·C·H·W (+ p for 1×1) and writes Y at
// y + (n·M·oH·oW + p)·es, column (output channel) stride oH·oW.
//
// Descriptor: i32 words at `d` (written by the host, D_* offsets below); per group 4 words
// (packed B, column sums, weight zero points, epilogue params) from D_GROUPS_PTR.
// Scratch per thread: im2col [K, chunk] bytes, then the packed A tiles, then the row terms
// (sizes from the host, which knows the packing).
import { qu8_gemm_pack_a_c2, qu8_gemm_pack_a_c4 } from '../gemm/qu8-gemm-pack-a';

export const D_X: i32 = 0;
export const D_Y: i32 = 1;
export const D_C: i32 = 2;
export const D_H: i32 = 3;
export const D_W: i32 = 4;
export const D_KH: i32 = 5;
export const D_KW: i32 = 6;
export const D_SH: i32 = 7;
export const D_SW: i32 = 8;
export const D_DH: i32 = 9;
export const D_DW: i32 = 10;
export const D_PT: i32 = 11;
export const D_PL: i32 = 12;
export const D_OH: i32 = 13;
export const D_OW: i32 = 14;
export const D_M: i32 = 15;
export const D_GROUPS: i32 = 16;
export const D_GROUPS_PTR: i32 = 17;
/** 0: im2col image-major, 1: 1×1 image-major, 2: 1×1 position-major */
export const D_MODE: i32 = 18;
/** inner count I (pixels per image, or images per pixel) */
export const D_INNER: i32 = 19;
export const D_CHUNK: i32 = 20;
/** raw activation byte used for padding (the zero point) */
export const D_PAD: i32 = 21;
export const D_XOR: i32 = 22;
/** activation zero point in the u8 domain */
export const D_ZA: i32 = 23;
/** 0 u8, 1 s8, 2 f32, 3 i32 */
export const D_OUT: i32 = 24;
/** byte offsets of the packed A and row terms inside a thread's scratch */
export const D_PACK_OFF: i32 = 25;
export const D_ROWTERM_OFF: i32 = 26;
export const D_WORDS: i32 = 27;

export type GemmKernel = (
  m0: i32, m1: i32, n0: i32, n1: i32, K: i32,
  a: usize, rowTerm: usize, b: usize, colsum: usize, zb: usize,
  out: usize, ldo: i32, cso: i32, params: usize,
) => void;

// Short copies and fills inline (memory.copy / memory.fill are calls with a fixed cost that
// dominates the 1–64-byte segments of im2col); every access stays inside [p, p + n).
@inline
function copyBytes(dst: usize, src: usize, n: i32): void {
  if (n >= 16) {
    let i = 0;
    for (; i + 16 <= n; i += 16) v128.store(dst + <usize>i, v128.load(src + <usize>i));
    if (i < n) v128.store(dst + <usize>(n - 16), v128.load(src + <usize>(n - 16)));
  } else if (n >= 8) {
    store<u64>(dst, load<u64>(src));
    store<u64>(dst + <usize>(n - 8), load<u64>(src + <usize>(n - 8)));
  } else {
    for (let i = 0; i < n; i++) store<u8>(dst + <usize>i, load<u8>(src + <usize>i));
  }
}

@inline
function fillBytes(dst: usize, v: u8, n: i32): void {
  if (n >= 16) {
    const s = i8x16.splat(<i8>v);
    let i = 0;
    for (; i + 16 <= n; i += 16) v128.store(dst + <usize>i, s);
    if (i < n) v128.store(dst + <usize>(n - 16), s);
  } else {
    for (let i = 0; i < n; i++) store<u8>(dst + <usize>i, v);
  }
}

@inline
export function field(d: usize, i: i32): i32 {
  return load<i32>(d + ((<usize>i) << 2));
}

/**
 * Transposed im2col of output pixels [p0, p0 + rows) of one group's channels: dst [C·kH·kW, rows],
 * one row per k (ordered c, kh, kw like ONNX weights), the pixels of a chunk contiguous.
 */
export function im2colRows(
  x: usize, C: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32,
  pT: i32, pL: i32, oW: i32, pad: u8, p0: i32, rows: i32, dst: usize,
): void {
  let d = dst;
  const ohFirst = p0 / oW;
  const owFirst = p0 - ohFirst * oW;
  for (let c = 0; c < C; c++) {
    const plane = x + <usize>c * <usize>(H * W);
    for (let kh = 0; kh < kH; kh++) {
      for (let kw = 0; kw < kW; kw++) {
        const iw0 = kw * dW - pL;
        let oh = ohFirst;
        let ow = owFirst;
        let left = rows;
        while (left > 0) {
          const n = min(left, oW - ow);
          const ih = oh * sH - pT + kh * dH;
          if (<u32>ih >= <u32>H) {
            fillBytes(d, pad, n);
          } else {
            const row = plane + <usize>(ih * W);
            if (sW == 1) {
              // ow in [lo, hi) reads inside the row
              const base = iw0 + ow;
              const lo = min(n, max(0, -base));
              const hi = max(lo, min(n, W - base));
              if (lo > 0) fillBytes(d, pad, lo);
              if (hi > lo) copyBytes(d + <usize>lo, row + <usize>(base + lo), hi - lo);
              if (n > hi) fillBytes(d + <usize>hi, pad, n - hi);
            } else if (sW == 2) {
              // outputs [lo, hi) read inside the row: 8 at a time from 16 bytes, even bytes kept
              const base = iw0 + ow * 2;
              const lo = min(n, max(0, (1 - base) >> 1));
              const hi = max(lo, min(n, (W - base + 1) >> 1));
              if (lo > 0) fillBytes(d, pad, lo);
              let j = lo;
              for (; j + 8 <= hi && base + 2 * j + 16 <= W; j += 8) {
                const v = v128.load(row + <usize>(base + 2 * j));
                v128.store64_lane(d + <usize>j, i8x16.shuffle(v, v, 0, 2, 4, 6, 8, 10, 12, 14, 0, 2, 4, 6, 8, 10, 12, 14), 0);
              }
              for (; j < hi; j++) store<u8>(d + <usize>j, load<u8>(row + <usize>(base + 2 * j)));
              if (n > hi) fillBytes(d + <usize>hi, pad, n - hi);
            } else {
              for (let j = 0; j < n; j++) {
                const iw = iw0 + (ow + j) * sW;
                store<u8>(d + <usize>j, <u32>iw < <u32>W ? load<u8>(row + <usize>iw) : pad);
              }
            }
          }
          d += <usize>n;
          left -= n;
          ow = 0;
          oh++;
        }
      }
    }
  }
}

/** Rows [r0, r1) of the convolution described at `d`, GEMM tile mr / k-group kc. */
export function convRows(d: usize, r0: i32, r1: i32, scratch: usize, mr: i32, kc: i32, gemm: GemmKernel): void {
  const C = field(d, D_C);
  const H = field(d, D_H);
  const W = field(d, D_W);
  const kH = field(d, D_KH);
  const kW = field(d, D_KW);
  const oW = field(d, D_OW);
  const oHW = field(d, D_OH) * oW;
  const HW = H * W;
  const M = field(d, D_M);
  const groups = field(d, D_GROUPS);
  const Cg = C / groups;
  const Mg = M / groups;
  const K = Cg * kH * kW;
  const mode = field(d, D_MODE);
  const I = field(d, D_INNER);
  const chunk = field(d, D_CHUNK);
  const x = <usize>field(d, D_X);
  const y = <usize>field(d, D_Y);
  const xorMask = field(d, D_XOR);
  const za = field(d, D_ZA);
  const pad = <u8>field(d, D_PAD);
  const out = field(d, D_OUT);
  const es: usize = out < 2 ? 1 : 4;
  const gtab = <usize>field(d, D_GROUPS_PTR);
  const packed = scratch + <usize>field(d, D_PACK_OFF);
  const rowTerm = scratch + <usize>field(d, D_ROWTERM_OFF);
  let r = r0;
  while (r < r1) {
    const outer = r / I;
    const inner = r - outer * I;
    const rows = min(chunk, min(I - inner, r1 - r));
    const n = mode == 2 ? inner : outer;
    const p = mode == 2 ? outer : inner;
    for (let g = 0; g < groups; g++) {
      const xg = x + <usize>(n * C + g * Cg) * <usize>HW;
      let src = xg + <usize>p;
      let rs = 1;
      let cs = HW;
      if (mode == 0) {
        im2colRows(xg, Cg, H, W, kH, kW, field(d, D_SH), field(d, D_SW), field(d, D_DH), field(d, D_DW), field(d, D_PT), field(d, D_PL), oW, pad, p, rows, scratch);
        src = scratch;
        cs = rows;
      } else if (mode == 2) {
        rs = C * HW;
      }
      if (kc == 2) qu8_gemm_pack_a_c2(src, rows, K, rs, cs, xorMask, za, mr, packed, rowTerm);
      else qu8_gemm_pack_a_c4(src, rows, K, rs, cs, xorMask, za, mr, packed, rowTerm);
      const e = gtab + ((<usize>g) << 4);
      const o = y + (<usize>(n * M + g * Mg) * <usize>oHW + <usize>p) * es;
      gemm(0, rows, 0, Mg, K, packed, rowTerm, load<u32>(e), load<u32>(e, 4), load<u32>(e, 8), o, mode == 2 ? M * oHW : 1, oHW, load<u32>(e, 12));
    }
    r += rows;
  }
}
