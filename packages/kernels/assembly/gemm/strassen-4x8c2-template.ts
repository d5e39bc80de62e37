// One level of Strassen on the baseline 4×8c2 GEMM (exact in integers).
// C = A·B is split into 2×2 blocks; with the half sizes Mh = ceil(M/8)·4 rows, Kh = 2·ceil(K2/2)
// (K2 = ceil(K/2) k-pairs) and Nh = ceil(N/16)·8 columns (everything past M, K, N is zero):
//   P0 = (A11+A22)(B11+B22)  P1 = (A21+A22)B11  P2 = A11(B12−B22)  P3 = A22(B21−B11)
//   P4 = (A11+A12)B22        P5 = (A21−A11)(B11+B12)               P6 = (A12−A22)(B21+B22)
//   C11 = P0+P3−P4+P6   C12 = P2+P4   C21 = P1+P3   C22 = P0−P1+P2+P5
// Seven half-size products instead of eight: 1/8 of the multiply work removed.
// Packed values are i16 in both layouts (A: u8 0…255, B: s8), so the block sums (A: −255…510,
// B: −256…254) still fit the i16 lanes of dot_i16x8_s exactly. The products accumulate in i32
// with wrap-around, and the combination is done in the same ring: the combined accumulator equals
// the plain kernel's bit for bit (mod 2^32, which is what the plain kernel computes too), so the
// zero-point fold, scales, bias and requantization run once on it with the plain epilogue
// (common/epilogue.ts) and every output type is bit-identical to the plain kernel.
// Operands:
//   - B (constant): the 7 right operands, each packed exactly like qs8-gemm-pack-w's i16 layout for
//     a Kh × Nh matrix, built once from the plain i16 packing (qs8_strassen_pack_w);
//   - A (per run): the 7 left operands, each in qu8-gemm-pack-a's c2 layout for Mh × Kh, built
//     from the packed A (qu8_strassen_pack_a);
//   - per block of rows × 8-column half panel, the 7 products run over the block's row tiles (raw
//     accumulators into at most 28 KiB of per-thread scratch, in L1), then combine into the four
//     quadrants, which the plain epilogue finishes: no M × N temporaries.
import { storeRow8p, colTerm4, biasF32x4, requantLo, requantHi, requantBits } from '../common/epilogue';
import { P_SCALE } from '../common/gemm-params';
import { touchLines } from '../common/memory';

/** Unit (o, i) of a packed matrix, or zero outside [0, outer) × [0, inner). */
@inline
function unitAt(src: usize, o: i32, i: i32, outer: i32, inner: i32, outerStride: usize, u: usize, v: usize): v128 {
  return o < outer && i < inner ? v128.load(src + <usize>o * outerStride + <usize>i * u + v) : i16x8.splat(0);
}

/**
 * Builds the 7 operands of one side from a packed matrix of `outer` × `inner` units of `unit` bytes
 * (A: row tiles × k-pairs, 16 bytes; B: 8-column panels × k-pairs, 32 bytes). Unit (o, i) is at
 * src + o·outerStride + i·unit and is zero outside [0, outer) × [0, inner). Operand p, unit (o, i)
 * of the half sizes oH × iH goes to dst + ((p·oH + o)·iH + i)·unit for A; for B the 7 operands'
 * panels o are interleaved, dst + ((o·7 + p)·iH + i)·unit, so that the kernel streams one
 * contiguous region per half panel. Block X_rc of the matrix
 * (r: rows of A / k of B) starts at outer r·oH, inner c·iH for A; for B (`isB`) at outer c·oH,
 * inner r·iH.
 */
@inline
function strassenOperands(
  src: usize, outer: i32, inner: i32, outerStride: usize, unit: i32, oH: i32, iH: i32, isB: bool, dst: usize,
): void {
  const u = <usize>unit;
  const opBytes = isB ? <usize>iH * u : <usize>oH * <usize>iH * u;
  const oStride = isB ? 7 * <usize>iH * u : <usize>iH * u;
  for (let o = 0; o < oH; o++) {
    const o2 = o + oH;
    // k-groups whose four blocks all lie inside the matrix: plain loads (the rest reads zero past the edges)
    const iFast = o2 < outer ? min(iH, inner - iH) : 0;
    const r1 = src + <usize>o * outerStride, r2 = src + <usize>o2 * outerStride;
    for (let i = 0; i < iH; i++) {
      const i2 = i + iH;
      const d = dst + <usize>o * oStride + <usize>i * u;
      for (let v: usize = 0; v < u; v += 16) {
        let x11: v128, x12: v128, x21: v128, x22: v128;
        if (i < iFast) {
          const c1 = <usize>i * u + v, c2 = <usize>i2 * u + v;
          x11 = v128.load(r1 + c1);
          x22 = v128.load(r2 + c2);
          // the off-diagonal blocks: A12 is (o, i2), A21 (o2, i); B12 (columns 2nd half) is (o2, i), B21 (o, i2)
          x12 = isB ? v128.load(r2 + c1) : v128.load(r1 + c2);
          x21 = isB ? v128.load(r1 + c2) : v128.load(r2 + c1);
        } else {
          x11 = unitAt(src, o, i, outer, inner, outerStride, u, v);
          x22 = unitAt(src, o2, i2, outer, inner, outerStride, u, v);
          x12 = isB ? unitAt(src, o2, i, outer, inner, outerStride, u, v) : unitAt(src, o, i2, outer, inner, outerStride, u, v);
          x21 = isB ? unitAt(src, o, i2, outer, inner, outerStride, u, v) : unitAt(src, o2, i, outer, inner, outerStride, u, v);
        }
        v128.store(d + v, i16x8.add(x11, x22));
        if (isB) {
          v128.store(d + opBytes + v, x11);
          v128.store(d + 2 * opBytes + v, i16x8.sub(x12, x22));
          v128.store(d + 3 * opBytes + v, i16x8.sub(x21, x11));
          v128.store(d + 4 * opBytes + v, x22);
          v128.store(d + 5 * opBytes + v, i16x8.add(x11, x12));
          v128.store(d + 6 * opBytes + v, i16x8.add(x21, x22));
        } else {
          v128.store(d + opBytes + v, i16x8.add(x21, x22));
          v128.store(d + 2 * opBytes + v, x11);
          v128.store(d + 3 * opBytes + v, x22);
          v128.store(d + 4 * opBytes + v, i16x8.add(x11, x12));
          v128.store(d + 5 * opBytes + v, i16x8.sub(x21, x11));
          v128.store(d + 6 * opBytes + v, i16x8.sub(x12, x22));
        }
      }
    }
  }
}

/** The 7 right operands from B packed as i16 k-pairs (qs8_gemm_pack_w, kc = 2, esize = 2). */
export function qs8_strassen_pack_w(b: usize, K: i32, N: i32, dst: usize): void {
  const K2 = (K + 1) >> 1;
  strassenOperands(b, (N + 7) >> 3, K2, <usize>K2 * 32, 32, (N + 15) >> 4, (K2 + 1) >> 1, true, dst);
}

/** The 7 left operands from A packed c2 with mr = 4 (qu8_gemm_pack_a_c2, qu8_gemm_quantize_pack_a). */
export function qu8_strassen_pack_a(a: usize, M: i32, K: i32, dst: usize): void {
  const K2 = (K + 1) >> 1;
  strassenOperands(a, (M + 3) >> 2, K2, <usize>K2 * 16, 16, (M + 7) >> 3, (K2 + 1) >> 1, false, dst);
}

/** Most half-size rows per block: the product tiles of a block fill 7 · 128 · 32 bytes of scratch (src/gemm/strassen.ts). */
const STRASSEN_MAX_BLOCK_ROWS: i32 = 128;

/** Raw accumulators of one 4×8 product tile over kp k-pairs (A: c2, mr = 4; B: i16 × 8 columns), stored at acc (8 v128). */
@inline
function rawTile4x8(ap: usize, bp: usize, kp: i32, acc: usize): void {
  let c00 = i32x4.splat(0), c01 = i32x4.splat(0);
  let c10 = i32x4.splat(0), c11 = i32x4.splat(0);
  let c20 = i32x4.splat(0), c21 = i32x4.splat(0);
  let c30 = i32x4.splat(0), c31 = i32x4.splat(0);
  const end = ap + <usize>kp * 16;
  while (ap < end) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let x = v128.load32_splat(ap);
    c00 = i32x4.add(c00, i32x4.dot_i16x8_s(x, b0));
    c01 = i32x4.add(c01, i32x4.dot_i16x8_s(x, b1));
    x = v128.load32_splat(ap, 4);
    c10 = i32x4.add(c10, i32x4.dot_i16x8_s(x, b0));
    c11 = i32x4.add(c11, i32x4.dot_i16x8_s(x, b1));
    x = v128.load32_splat(ap, 8);
    c20 = i32x4.add(c20, i32x4.dot_i16x8_s(x, b0));
    c21 = i32x4.add(c21, i32x4.dot_i16x8_s(x, b1));
    x = v128.load32_splat(ap, 12);
    c30 = i32x4.add(c30, i32x4.dot_i16x8_s(x, b0));
    c31 = i32x4.add(c31, i32x4.dot_i16x8_s(x, b1));
    ap += 16;
    bp += 32;
  }
  v128.store(acc, c00);
  v128.store(acc, c01, 16);
  v128.store(acc, c10, 32);
  v128.store(acc, c11, 48);
  v128.store(acc, c20, 64);
  v128.store(acc, c21, 80);
  v128.store(acc, c30, 96);
  v128.store(acc, c31, 112);
}

/**
 * C rows/columns [0, M) × [0, N) of the half-size tiles [h0, h1) rows × [c0, c1) columns (h0, h1
 * multiples of 4 within Mh; c0, c1 multiples of 8 within Nh). Loop order as in the plain kernel:
 * blocks of rows whose 7 A operands fit in aBlockBytes (L2, at most 128 rows), then 8-column half
 * panels; per panel the 7 products one after the other over the block's row tiles (each B operand
 * panel stays in L1 while the tiles pass) into `tmp` (7 · rows · 32 bytes per thread), then the
 * combination into the four quadrants, finished with the plain epilogue. aS/bS: the operands of qu8_strassen_pack_a /
 * qs8_strassen_pack_w; rowTerm, colsum, zb, params: those of the plain kernel.
 */
@inline
export function strassen4x8c2<T>(
  h0: i32, h1: i32, c0: i32, c1: i32, M: i32, N: i32, K: i32,
  aS: usize, rowTerm: usize, bS: usize, colsum: usize, zb: usize,
  out: usize, ldo: i32, cso: i32, params: usize, tmp: usize, aBlockBytes: i32,
): void {
  const K2 = (K + 1) >> 1;
  const Kgh = (K2 + 1) >> 1;
  const Mh = ((M + 7) >> 3) << 2;
  const Nh = ((N + 15) >> 4) << 3;
  const aTile = <usize>Kgh * 16;
  const aOp = <usize>(Mh >> 2) * aTile;
  const bPanel = <usize>Kgh * 32;
  const es = <usize>sizeof<T>();
  const ro = <usize>ldo * es;
  const mc = min(STRASSEN_MAX_BLOCK_ROWS, max(1, <i32>(<usize>aBlockBytes / (7 * aTile))) * 4);
  const lo = requantLo(params), hi = requantHi(params), bits = requantBits(params);
  const scale = load<usize>(params, P_SCALE);
  for (let mb = h0; mb < h1; mb += mc) {
    const mbEnd = min(h1, mb + mc);
    for (let c = c0; c < c1; c += 8) {
      // left quadrants (C11, C21) at column c, right ones (C12, C22) at Nh + c
      const nL = c, nR = Nh + c;
      if (nL >= N) break;
      const validL = min(8, N - nL), validR = min(8, N - nR);
      const offL = (<usize>nL) << 2, offR = (<usize>nR) << 2;
      const ctL0 = colTerm4(nL, colsum, params), ctL1 = colTerm4(nL + 4, colsum, params);
      const zbL0 = v128.load(zb + offL), zbL1 = v128.load(zb + offL, 16);
      const zbAnyL = v128.any_true(v128.or(zbL0, zbL1));
      const scL0 = v128.load(scale + offL), scL1 = v128.load(scale + offL, 16);
      const bfL0 = biasF32x4(nL, params), bfL1 = biasF32x4(nL + 4, params);
      // the right columns exist only below N (their column data is read only then)
      const hasR = validR > 0;
      const z = i32x4.splat(0);
      const ctR0 = hasR ? colTerm4(nR, colsum, params) : z, ctR1 = hasR ? colTerm4(nR + 4, colsum, params) : z;
      const zbR0 = hasR ? v128.load(zb + offR) : z, zbR1 = hasR ? v128.load(zb + offR, 16) : z;
      const zbAnyR = v128.any_true(v128.or(zbR0, zbR1));
      const scR0 = hasR ? v128.load(scale + offR) : z, scR1 = hasR ? v128.load(scale + offR, 16) : z;
      const bfR0 = hasR ? biasF32x4(nR, params) : z, bfR1 = hasR ? biasF32x4(nR + 4, params) : z;
      const bp = bS + <usize>(c >> 3) * 7 * bPanel;
      const mEnd = min(mbEnd, (M + 3) & ~3);
      const tileBytes = <usize>(mEnd - mb) << 5;
      // product by product, so that its B operand panel stays in L1 while the row tiles pass
      // WebAssembly has no prefetch: the tiles of each product also read one byte per cache line of
      // that product's next panel (inside [c0, c1) only), as the plain kernel does
      const perTile = ((bPanel / <usize>((mEnd - mb) >> 2)) + 63) & ~(<usize>63);
      for (let p = 0; p < 7; p++) {
        const ap = aS + <usize>p * aOp;
        const bpp = bp + <usize>p * bPanel;
        const tp = tmp + <usize>p * tileBytes;
        let touch = bpp + 7 * bPanel;
        const touchEnd = c + 8 < c1 ? touch + bPanel : touch;
        for (let m = mb; m < mEnd; m += 4) {
          touch = touchLines(touch, min(touchEnd, touch + perTile));
          rawTile4x8(ap + <usize>(m >> 2) * aTile, bpp, Kgh, tp + (<usize>(m - mb) << 5));
        }
      }
      let oT = out + (<usize>mb * <usize>ldo) * es;
      let oB = oT + <usize>Mh * ro;
      const mTopEnd = min(mbEnd, M);
      for (let mTop = mb; mTop < mTopEnd; mTop++) {
          const t = tmp + (<usize>(mTop - mb) << 5);
          const p0a = v128.load(t), p0b = v128.load(t, 16);
          const p1a = v128.load(t + tileBytes), p1b = v128.load(t + tileBytes, 16);
          const p2a = v128.load(t + 2 * tileBytes), p2b = v128.load(t + 2 * tileBytes, 16);
          const p3a = v128.load(t + 3 * tileBytes), p3b = v128.load(t + 3 * tileBytes, 16);
          const p4a = v128.load(t + 4 * tileBytes), p4b = v128.load(t + 4 * tileBytes, 16);
          // C11 = P0+P3−P4+P6, C12 = P2+P4, C21 = P1+P3, C22 = P0−P1+P2+P5
          const rtT = load<i32>(rowTerm + ((<usize>mTop) << 2));
          storeRow8p<T>(
            oT + <usize>nL * <usize>cso * es, cso, validL,
            i32x4.add(i32x4.sub(i32x4.add(p0a, p3a), p4a), v128.load(t + 6 * tileBytes)),
            i32x4.add(i32x4.sub(i32x4.add(p0b, p3b), p4b), v128.load(t + 6 * tileBytes, 16)),
            rtT, ctL0, ctL1, zbL0, zbL1, zbAnyL, scL0, scL1, bfL0, bfL1, lo, hi, bits,
          );
          if (hasR) storeRow8p<T>(oT + <usize>nR * <usize>cso * es, cso, validR, i32x4.add(p2a, p4a), i32x4.add(p2b, p4b), rtT, ctR0, ctR1, zbR0, zbR1, zbAnyR, scR0, scR1, bfR0, bfR1, lo, hi, bits);
          if (Mh + mTop < M) {
            const rtB = load<i32>(rowTerm + ((<usize>(Mh + mTop)) << 2));
            storeRow8p<T>(oB + <usize>nL * <usize>cso * es, cso, validL, i32x4.add(p1a, p3a), i32x4.add(p1b, p3b), rtB, ctL0, ctL1, zbL0, zbL1, zbAnyL, scL0, scL1, bfL0, bfL1, lo, hi, bits);
            if (hasR) {
              storeRow8p<T>(
                oB + <usize>nR * <usize>cso * es, cso, validR,
                i32x4.add(i32x4.add(i32x4.sub(p0a, p1a), p2a), v128.load(t + 5 * tileBytes)),
                i32x4.add(i32x4.add(i32x4.sub(p0b, p1b), p2b), v128.load(t + 5 * tileBytes, 16)),
                rtB, ctR0, ctR1, zbR0, zbR1, zbAnyR, scR0, scR1, bfR0, bfR1, lo, hi, bits,
              );
            }
          }
          oT += ro;
          oB += ro;
      }
    }
  }
}
