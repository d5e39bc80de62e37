// MatMulNBits (com.microsoft): Y[M, N] = A[M, K] · dequant(B)ᵀ (+ bias), fp32 activations and
// 4- or 8-bit block-quantized weights, unpacked inside the kernel (one block of ≤ 4 columns at a
// time in `scratch`, never a float copy of the weights).
//   B:      u8 [N, nb, blob], nb = ceil(K / blockSize), blob = blockSize·bits/8; 4-bit codes packed
//           two per byte, low nibble first along K.
//   scales: f32 [N · nb].
//   zero points (zpKind): 0 = absent → 2^(bits−1) (8 for 4-bit, 128 for 8-bit);
//           1 = packed u8: 4-bit [N, ceil(nb/2)] nibbles (low first), 8-bit [N, nb] bytes;
//           2 = f32 [N · nb] (same type as A).
//   w = (q − zp) · scale; bias f32 [N] or null. blockSize: power of two in [16, 256].
//   scratch: 4 · blockSize f32 (≤ 4 KiB).

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

export function f32_matmul_nbits_wasmsimd(
  a: usize, b: usize, scales: usize, zp: usize, zpKind: i32, bias: usize, y: usize,
  M: i32, N: i32, K: i32, bits: i32, blockSize: i32, scratch: usize,
): void {
  const nb = (K + blockSize - 1) / blockSize;
  const blob = (blockSize * bits) >> 3;
  const colBytes = <usize>nb * <usize>blob;
  const wBytes = <usize>blockSize << 2;
  const rowA = <usize>K << 2;
  const rowY = <usize>N << 2;
  let n = 0;
  // Four columns at a time share each load of A.
  for (; n + 4 <= N; n += 4) {
    for (let m = 0; m < M; m++) {
      const yp = y + <usize>m * rowY + (<usize>n << 2);
      if (bias) v128.store(yp, v128.load(bias + (<usize>n << 2)));
      else v128.store(yp, f32x4.splat(0));
    }
    for (let blk = 0; blk < nb; blk++) {
      for (let j = 0; j < 4; j++) {
        const col = n + j;
        unpackBlock(b + <usize>col * colBytes + <usize>(blk * blob), bits, blockSize,
          zeroPoint(zp, zpKind, bits, col, blk, nb), load<f32>(scales + (<usize>(col * nb + blk) << 2)),
          scratch + <usize>j * wBytes);
      }
      const k0 = blk * blockSize;
      const len = min(blockSize, K - k0);
      for (let m = 0; m < M; m++) {
        const ap = a + <usize>m * rowA + (<usize>k0 << 2);
        let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
        let k = 0;
        for (; k + 4 <= len; k += 4) {
          const o = <usize>k << 2;
          const av = v128.load(ap + o);
          c0 = f32x4.add(c0, f32x4.mul(av, v128.load(scratch + o)));
          c1 = f32x4.add(c1, f32x4.mul(av, v128.load(scratch + wBytes + o)));
          c2 = f32x4.add(c2, f32x4.mul(av, v128.load(scratch + 2 * wBytes + o)));
          c3 = f32x4.add(c3, f32x4.mul(av, v128.load(scratch + 3 * wBytes + o)));
        }
        let s0 = hsum4(c0), s1 = hsum4(c1), s2 = hsum4(c2), s3 = hsum4(c3);
        for (; k < len; k++) {
          const o = <usize>k << 2;
          const av = load<f32>(ap + o);
          s0 += av * load<f32>(scratch + o);
          s1 += av * load<f32>(scratch + wBytes + o);
          s2 += av * load<f32>(scratch + 2 * wBytes + o);
          s3 += av * load<f32>(scratch + 3 * wBytes + o);
        }
        const yp = y + <usize>m * rowY + (<usize>n << 2);
        v128.store(yp, f32x4.add(v128.load(yp), f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(s0), 1, s1), 2, s2), 3, s3)));
      }
    }
  }
  for (; n < N; n++) {
    for (let m = 0; m < M; m++) {
      store<f32>(y + <usize>m * rowY + (<usize>n << 2), bias ? load<f32>(bias + (<usize>n << 2)) : 0);
    }
    for (let blk = 0; blk < nb; blk++) {
      unpackBlock(b + <usize>n * colBytes + <usize>(blk * blob), bits, blockSize,
        zeroPoint(zp, zpKind, bits, n, blk, nb), load<f32>(scales + (<usize>(n * nb + blk) << 2)), scratch);
      const k0 = blk * blockSize;
      const len = min(blockSize, K - k0);
      for (let m = 0; m < M; m++) {
        const ap = a + <usize>m * rowA + (<usize>k0 << 2);
        let c0 = f32x4.splat(0);
        let k = 0;
        for (; k + 4 <= len; k += 4) {
          const o = <usize>k << 2;
          c0 = f32x4.add(c0, f32x4.mul(v128.load(ap + o), v128.load(scratch + o)));
        }
        let s0 = hsum4(c0);
        for (; k < len; k++) s0 += load<f32>(ap + (<usize>k << 2)) * load<f32>(scratch + (<usize>k << 2));
        const yp = y + <usize>m * rowY + (<usize>n << 2);
        store<f32>(yp, load<f32>(yp) + s0);
      }
    }
  }
}
