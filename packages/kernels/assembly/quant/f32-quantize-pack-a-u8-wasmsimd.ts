// DynamicQuantizeLinear's quantize step fused into the GEMM's activation packing: f32 A (row-major,
// row stride `rs` floats) quantized to u8 with QuantizeLinear's numerics (q8u / q1: round half to
// even of x / scale, plus the zero point, saturated — bit-identical to f32_quantize_linear_wasmsimd)
// and written straight into the packed layout of qu8-gemm-pack-a.ts, with the row terms
// rowTerm[m] = rowsum(q[m,:]) − K·zp. The u8 tensor never exists, and A is read once instead of
// quantize (read f32, write u8) + pack (read u8, write packed).
//
// kc = 2 (dot16x2 kernels): tile t of `mr` rows, k-pair p, row r → q[2p] | q[2p+1] << 16 at
//   dst + ((t·K2 + p)·mr + r)·4; kc = 4 (relaxed dot8x4): four bytes per k-quad at the same place.
// Rows past M (to a whole tile) and the k past K in the last group are zero.
import { q1, q8u, u8Bias } from './f32-quantize-linear-wasmsimd';

// @ts-ignore: decorator
@inline function hsum(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
}

// 4×4 transpose of i32 lanes: row i of the result holds lane i of a, b, c, d.
// @ts-ignore: decorator
@inline function storeTransposed4(o: usize, stride: usize, a: v128, b: v128, c: v128, d: v128): void {
  const t0 = i32x4.shuffle(a, b, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(a, b, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(c, d, 0, 4, 1, 5);
  const t3 = i32x4.shuffle(c, d, 2, 6, 3, 7);
  v128.store(o, i64x2.shuffle(t0, t2, 0, 2));
  v128.store(o + stride, i64x2.shuffle(t0, t2, 1, 3));
  v128.store(o + 2 * stride, i64x2.shuffle(t1, t3, 0, 2));
  v128.store(o + 3 * stride, i64x2.shuffle(t1, t3, 1, 3));
}

// Full 4-row tiles of the c2 layout: 8 k of each row quantized at once, the four rows' k-pairs
// interleaved by a 4×4 transpose, one 16-byte store per k-pair (as qu8-gemm-pack-a.ts packRowTileC2).
// Returns the first k left for the row-by-row tail.
// Both tile functions write each row's sum over [0, returned k) at sums + 4·row.
function tileC2(row: usize, rsb: usize, K: i32, sv: v128, ul: v128, uh: v128, bias: v128, out: usize, sums: usize): i32 {
  let s0 = i32x4.splat(0), s1 = i32x4.splat(0), s2 = i32x4.splat(0), s3 = i32x4.splat(0);
  let k = 0;
  for (; k + 8 <= K; k += 8) {
    const at = row + (<usize>k << 2);
    const w0 = q8u(at, sv, ul, uh, bias);
    const w1 = q8u(at + rsb, sv, ul, uh, bias);
    const w2 = q8u(at + 2 * rsb, sv, ul, uh, bias);
    const w3 = q8u(at + 3 * rsb, sv, ul, uh, bias);
    s0 = i32x4.add(s0, i32x4.extadd_pairwise_i16x8_u(w0));
    s1 = i32x4.add(s1, i32x4.extadd_pairwise_i16x8_u(w1));
    s2 = i32x4.add(s2, i32x4.extadd_pairwise_i16x8_u(w2));
    s3 = i32x4.add(s3, i32x4.extadd_pairwise_i16x8_u(w3));
    storeTransposed4(out + (<usize>k << 3), 16, w0, w1, w2, w3);
  }
  store<i32>(sums, hsum(s0));
  store<i32>(sums, hsum(s1), 4);
  store<i32>(sums, hsum(s2), 8);
  store<i32>(sums, hsum(s3), 12);
  return k;
}

// 16 f32 at p quantized to 16 u8.
// @ts-ignore: decorator
@inline function q16u(p: usize, sv: v128, ul: v128, uh: v128, bias: v128): v128 {
  return i8x16.narrow_i16x8_u(q8u(p, sv, ul, uh, bias), q8u(p + 32, sv, ul, uh, bias));
}

// @ts-ignore: decorator
@inline function byteSums(b: v128): v128 {
  return i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(b));
}

// Full 6-row tiles of the c4 layout: 16 k of each row quantized to bytes (four k-quads), rows 0–3
// transposed into one 16-byte store per k-quad, rows 4–5 one 8-byte store.
function tileC4(row: usize, rsb: usize, K: i32, sv: v128, ul: v128, uh: v128, bias: v128, out: usize, sums: usize): i32 {
  let s0 = i32x4.splat(0), s1 = i32x4.splat(0), s2 = i32x4.splat(0), s3 = i32x4.splat(0), s4 = i32x4.splat(0), s5 = i32x4.splat(0);
  let k = 0;
  for (; k + 16 <= K; k += 16) {
    const at = row + (<usize>k << 2);
    const b0 = q16u(at, sv, ul, uh, bias);
    const b1 = q16u(at + rsb, sv, ul, uh, bias);
    const b2 = q16u(at + 2 * rsb, sv, ul, uh, bias);
    const b3 = q16u(at + 3 * rsb, sv, ul, uh, bias);
    const b4 = q16u(at + 4 * rsb, sv, ul, uh, bias);
    const b5 = q16u(at + 5 * rsb, sv, ul, uh, bias);
    s0 = i32x4.add(s0, byteSums(b0));
    s1 = i32x4.add(s1, byteSums(b1));
    s2 = i32x4.add(s2, byteSums(b2));
    s3 = i32x4.add(s3, byteSums(b3));
    s4 = i32x4.add(s4, byteSums(b4));
    s5 = i32x4.add(s5, byteSums(b5));
    const o = out + <usize>(k >> 2) * 24;
    storeTransposed4(o, 24, b0, b1, b2, b3);
    const p0 = i32x4.shuffle(b4, b5, 0, 4, 1, 5);
    const p1 = i32x4.shuffle(b4, b5, 2, 6, 3, 7);
    v128.store64_lane(o + 16, p0, 0);
    v128.store64_lane(o + 40, p0, 1);
    v128.store64_lane(o + 64, p1, 0);
    v128.store64_lane(o + 88, p1, 1);
  }
  store<i32>(sums, hsum(s0));
  store<i32>(sums, hsum(s1), 4);
  store<i32>(sums, hsum(s2), 8);
  store<i32>(sums, hsum(s3), 12);
  store<i32>(sums, hsum(s4), 16);
  store<i32>(sums, hsum(s5), 20);
  return k;
}

// One row's k from k0 on, element by element (the k-group straddling K zero-padded), and its row
// term from `sum`, the row's sum over [0, k0).
function finishRow(row: usize, base: usize, k0: i32, K: i32, kc: i32, step: usize, scale: f32, zp: i32, sum: i32, rt: usize): void {
  const zf = <f32>zp;
  const lo = f32x4.splat(0);
  const hi = f32x4.splat(255);
  const shift = kc == 4 ? 3 : 4;
  for (let k = k0; k < K; k += kc) {
    let word = 0;
    for (let j = 0; j < kc; j++) {
      if (k + j < K) {
        const q = q1(load<f32>(row + (<usize>(k + j) << 2)), scale, zf, lo, hi);
        sum += q;
        word |= q << (j << shift);
      }
    }
    store<i32>(base + <usize>(k / kc) * step, word);
  }
  store<i32>(rt, sum - K * zp);
}

export function qu8_gemm_quantize_pack_a(
  src: usize, M: i32, K: i32, rs: i32, scale: f32, zp: i32, kc: i32, mr: i32, dst: usize, rowTerm: usize,
): void {
  const KG = (K + kc - 1) / kc;
  const Mp = ((M + mr - 1) / mr) * mr;
  const step = (<usize>mr) << 2;
  const sv = f32x4.splat(scale);
  const ul = f32x4.splat(-<f32>zp);
  const uh = f32x4.splat(<f32>255 - <f32>zp);
  const bias = u8Bias(zp);
  const tiled = (kc == 2 && mr == 4 && K >= 8) || (kc == 4 && mr == 6 && K >= 16);
  const rsb = (<usize>rs) << 2;
  for (let m = 0; m < Mp; m++) {
    const base = dst + ((<usize>((m / mr) * KG * mr + (m % mr))) << 2);
    if (tiled && m % mr == 0 && m + mr <= M) {
      // a whole tile: vector body for all its rows, then each row's tail and row term
      const row = src + <usize>m * rsb;
      // the tile writes its rows' vector-body sums into their row-term slots (no shared scratch:
      // threads run this kernel at once on one memory)
      const rt = rowTerm + ((<usize>m) << 2);
      const k0 = kc == 2 ? tileC2(row, rsb, K, sv, ul, uh, bias, base, rt) : tileC4(row, rsb, K, sv, ul, uh, bias, base, rt);
      for (let i = 0; i < mr; i++) {
        const r = row + <usize>i * rsb;
        const b = base + ((<usize>i) << 2);
        finishRow(r, b, k0, K, kc, step, scale, zp, load<i32>(rt + ((<usize>i) << 2)), rt + ((<usize>i) << 2));
      }
      m += mr - 1;
      continue;
    }
    if (m >= M) {
      for (let g = 0; g < KG; g++) store<i32>(base + <usize>g * step, 0);
      store<i32>(rowTerm + ((<usize>m) << 2), 0);
      continue;
    }
    const row = src + ((<usize>m * <usize>rs) << 2);
    let vsum = i32x4.splat(0);
    let out = base;
    let k = 0;
    for (; k + 16 <= K; k += 16) {
      const p = row + (<usize>k << 2);
      const ab = q8u(p, sv, ul, uh, bias);
      const cd = q8u(p + 32, sv, ul, uh, bias);
      // ab, cd: the 16 values as u16 (0…255)
      vsum = i32x4.add(vsum, i32x4.add(i32x4.extadd_pairwise_i16x8_u(ab), i32x4.extadd_pairwise_i16x8_u(cd)));
      if (kc == 4) {
        const b = i8x16.narrow_i16x8_u(ab, cd);
        v128.store32_lane(out, b, 0);
        v128.store32_lane(out + step, b, 1);
        v128.store32_lane(out + 2 * step, b, 2);
        v128.store32_lane(out + 3 * step, b, 3);
        out += step << 2;
      } else {
        v128.store32_lane(out, ab, 0);
        v128.store32_lane(out + step, ab, 1);
        v128.store32_lane(out + 2 * step, ab, 2);
        v128.store32_lane(out + 3 * step, ab, 3);
        v128.store32_lane(out + 4 * step, cd, 0);
        v128.store32_lane(out + 5 * step, cd, 1);
        v128.store32_lane(out + 6 * step, cd, 2);
        v128.store32_lane(out + 7 * step, cd, 3);
        out += step << 3;
      }
    }
    finishRow(row, base, k, K, kc, step, scale, zp, hsum(vsum), rowTerm + ((<usize>m) << 2));
  }
}
