// MatMulNBits (com.microsoft): Y[M, N] = A[M, K] · dequant(B)ᵀ (+ bias), fp32 activations and
// 4- or 8-bit block-quantized weights, unpacked inside the kernel: M = 1 works on the codes
// directly; M > 1 unpacks 4 columns at a time into `scratch` (never a float copy of the weights).
//   B:      u8 [N, nb, blob], nb = ceil(K / blockSize), blob = blockSize·bits/8; 4-bit codes packed
//           two per byte, low nibble first along K.
//   scales: f32 [N · nb].
//   zero points (zpKind): 0 = absent → 2^(bits−1) (8 for 4-bit, 128 for 8-bit);
//           1 = packed u8: 4-bit [N, ceil(nb/2)] nibbles (low first), 8-bit [N, nb] bytes;
//           2 = f32 [N · nb] (same type as A).
//   w = (q − zp) · scale; bias f32 [N] or null; Y row stride ldy (≥ N: a thread's column slice).
//   blockSize: power of two in [16, 256].
//   scratch: f32_matmul_nbits_scratch_bytes(M, K, blockSize) bytes (M = 1: nb floats; else 4 unpacked columns).
import { fmadd } from '../f32/f32-fmadd';

// @ts-ignore: decorator
@inline function zeroPoint(zp: usize, zpKind: i32, bits: i32, n: i32, blk: i32, nb: i32): f32 {
  if (zpKind == 0) return bits == 4 ? 8 : 128;
  if (zpKind == 2) return load<f32>(zp + (<usize>(n * nb + blk) << 2));
  if (bits == 8) return <f32>load<u8>(zp + <usize>(n * nb + blk));
  const rowBytes = (nb + 1) >> 1;
  const byte = <i32>load<u8>(zp + <usize>(n * rowBytes + (blk >> 1)));
  return <f32>((blk & 1) ? byte >> 4 : byte & 15);
}

/** Dequantizes one block of column n into w[0 .. blockSize). */
function unpackBlock(src: usize, bits: i32, blockSize: i32, zpf: f32, s: f32, w: usize): void {
  const zv = f32x4.splat(zpf);
  const sv = f32x4.splat(s);
  if (bits == 4) {
    const mask = i8x16.splat(15);
    for (let k = 0; k < blockSize; k += 16) {
      const raw = v128.load64_zero(src + <usize>(k >> 1));
      const lo = v128.and(raw, mask);
      const hi = i8x16.shr_u(raw, 4);
      const q = i8x16.shuffle(lo, hi, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
      const q0 = i16x8.extend_low_i8x16_u(q);
      const q1 = i16x8.extend_high_i8x16_u(q);
      const o = w + (<usize>k << 2);
      v128.store(o, f32x4.mul(f32x4.sub(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(q0)), zv), sv));
      v128.store(o, f32x4.mul(f32x4.sub(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(q0)), zv), sv), 16);
      v128.store(o, f32x4.mul(f32x4.sub(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(q1)), zv), sv), 32);
      v128.store(o, f32x4.mul(f32x4.sub(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(q1)), zv), sv), 48);
    }
  } else {
    for (let k = 0; k < blockSize; k += 16) {
      const q = v128.load(src + <usize>k);
      const q0 = i16x8.extend_low_i8x16_u(q);
      const q1 = i16x8.extend_high_i8x16_u(q);
      const o = w + (<usize>k << 2);
      v128.store(o, f32x4.mul(f32x4.sub(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(q0)), zv), sv));
      v128.store(o, f32x4.mul(f32x4.sub(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(q0)), zv), sv), 16);
      v128.store(o, f32x4.mul(f32x4.sub(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(q1)), zv), sv), 32);
      v128.store(o, f32x4.mul(f32x4.sub(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(q1)), zv), sv), 48);
    }
  }
}

// @ts-ignore: decorator
@inline function hsum4(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Scratch bytes f32_matmul_nbits_wasmsimd needs. */
export function f32_matmul_nbits_scratch_bytes(M: i32, K: i32, blockSize: i32): i32 {
  const nb = (K + blockSize - 1) / blockSize;
  return M == 1 ? nb * 4 : 4 * nb * blockSize * 4;
}

/** 16 codes (4-bit: 8 bytes, 8-bit: 16 bytes) as four f32x4, in K order. */
// @ts-ignore: decorator
@inline function codes16(src: usize, bits: i32): v128 {
  if (bits == 4) {
    const raw = v128.load64_zero(src);
    return i8x16.shuffle(v128.and(raw, i8x16.splat(15)), i8x16.shr_u(raw, 4), 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  }
  return v128.load(src);
}

/**
 * M = 1 (GEMV, token-by-token decoding): no unpacked weights at all. Per column and block,
 * Σ a·(q − zp)·s = s·(Σ a·q − zp·Σ a), with Σ a per block computed once (scratch: nb floats).
 */
function gemv(a: usize, b: usize, scales: usize, zp: usize, zpKind: i32, bias: usize, y: usize,
  N: i32, K: i32, bits: i32, blockSize: i32, scratch: usize): void {
  const nb = (K + blockSize - 1) / blockSize;
  const blob = (blockSize * bits) >> 3;
  for (let blk = 0; blk < nb; blk++) {
    const k0 = blk * blockSize;
    const len = min(blockSize, K - k0);
    let sv = f32x4.splat(0);
    let k = 0;
    for (; k + 4 <= len; k += 4) sv = f32x4.add(sv, v128.load(a + (<usize>(k0 + k) << 2)));
    let s = hsum4(sv);
    for (; k < len; k++) s += load<f32>(a + (<usize>(k0 + k) << 2));
    store<f32>(scratch + (<usize>blk << 2), s);
  }
  for (let n = 0; n < N; n++) {
    let tot = f32x4.splat(0);
    let corr: f32 = 0;
    const col = b + <usize>n * <usize>nb * <usize>blob;
    for (let blk = 0; blk < nb; blk++) {
      const k0 = blk * blockSize;
      const len = min(blockSize, K - k0);
      const src = col + <usize>(blk * blob);
      const ap = a + (<usize>k0 << 2);
      let acc = f32x4.splat(0);
      let k = 0;
      for (; k + 16 <= len; k += 16) {
        const q = codes16(src + <usize>((k * bits) >> 3), bits);
        const q0 = i16x8.extend_low_i8x16_u(q);
        const q1 = i16x8.extend_high_i8x16_u(q);
        const o = ap + (<usize>k << 2);
        acc = fmadd(v128.load(o), f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(q0)), acc);
        acc = fmadd(v128.load(o, 16), f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(q0)), acc);
        acc = fmadd(v128.load(o, 32), f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(q1)), acc);
        acc = fmadd(v128.load(o, 48), f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(q1)), acc);
      }
      let tail: f32 = 0;
      for (; k < len; k++) {
        let q: i32;
        if (bits == 8) q = <i32>load<u8>(src + <usize>k);
        else {
          const byte = <i32>load<u8>(src + <usize>(k >> 1));
          q = (k & 1) ? byte >> 4 : byte & 15;
        }
        tail += load<f32>(ap + (<usize>k << 2)) * <f32>q;
      }
      const sc = load<f32>(scales + (<usize>(n * nb + blk) << 2));
      tot = f32x4.add(tot, f32x4.mul(acc, f32x4.splat(sc)));
      corr += sc * (tail - zeroPoint(zp, zpKind, bits, n, blk, nb) * load<f32>(scratch + (<usize>blk << 2)));
    }
    store<f32>(y + (<usize>n << 2), hsum4(tot) + corr + (bias ? load<f32>(bias + (<usize>n << 2)) : 0));
  }
}

export function f32_matmul_nbits_wasmsimd(
  a: usize, b: usize, scales: usize, zp: usize, zpKind: i32, bias: usize, y: usize, ldy: i32,
  M: i32, N: i32, K: i32, bits: i32, blockSize: i32, scratch: usize,
): void {
  if (M == 1) {
    gemv(a, b, scales, zp, zpKind, bias, y, N, K, bits, blockSize, scratch);
    return;
  }
  // M > 1: unpack all blocks of 4 columns (4 · nb · blockSize floats of scratch), then every row of
  // A streams through them with four accumulators — one horizontal sum per row and column.
  const nb = (K + blockSize - 1) / blockSize;
  const blob = (blockSize * bits) >> 3;
  const colBytes = <usize>nb * <usize>blob;
  const wStride = <usize>(nb * blockSize) << 2;
  const rowA = <usize>K << 2;
  const rowY = <usize>ldy << 2;
  for (let n = 0; n < N; n += 4) {
    const cols = min(4, N - n);
    for (let j = 0; j < cols; j++) {
      const col = n + j;
      for (let blk = 0; blk < nb; blk++) {
        unpackBlock(b + <usize>col * colBytes + <usize>(blk * blob), bits, blockSize,
          zeroPoint(zp, zpKind, bits, col, blk, nb), load<f32>(scales + (<usize>(col * nb + blk) << 2)),
          scratch + <usize>j * wStride + (<usize>(blk * blockSize) << 2));
      }
    }
    // missing columns of the last group read column 0's weights; their sums are not stored
    const w0 = scratch;
    const w1 = cols > 1 ? scratch + wStride : scratch;
    const w2 = cols > 2 ? scratch + 2 * wStride : scratch;
    const w3 = cols > 3 ? scratch + 3 * wStride : scratch;
    for (let m = 0; m < M; m++) {
      const ap = a + <usize>m * rowA;
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
      let k = 0;
      for (; k + 4 <= K; k += 4) {
        const o = <usize>k << 2;
        const av = v128.load(ap + o);
        c0 = fmadd(av, v128.load(w0 + o), c0);
        c1 = fmadd(av, v128.load(w1 + o), c1);
        c2 = fmadd(av, v128.load(w2 + o), c2);
        c3 = fmadd(av, v128.load(w3 + o), c3);
      }
      let s0 = hsum4(c0), s1 = hsum4(c1), s2 = hsum4(c2), s3 = hsum4(c3);
      for (; k < K; k++) {
        const o = <usize>k << 2;
        const av = load<f32>(ap + o);
        s0 += av * load<f32>(w0 + o);
        s1 += av * load<f32>(w1 + o);
        s2 += av * load<f32>(w2 + o);
        s3 += av * load<f32>(w3 + o);
      }
      const yp = y + <usize>m * rowY + (<usize>n << 2);
      const bp = bias + (<usize>n << 2);
      store<f32>(yp, s0 + (bias ? load<f32>(bp) : 0));
      if (cols > 1) store<f32>(yp, s1 + (bias ? load<f32>(bp, 4) : 0), 4);
      if (cols > 2) store<f32>(yp, s2 + (bias ? load<f32>(bp, 8) : 0), 8);
      if (cols > 3) store<f32>(yp, s3 + (bias ? load<f32>(bp, 12) : 0), 12);
    }
  }
}
