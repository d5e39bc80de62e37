// im2col for the integer convolution: one group's channels [C, H, W] (u8 or s8 bytes, raw) →
// dst [oH·oW, C·kH·kW] row-major, k ordered (c, kh, kw) like ONNX weights [M, C/g, kH, kW].
// Padding takes the activation zero point `padValue`, so it contributes nothing after the fold.
export function qu8_conv_im2col(
  x: usize, C: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32,
  pT: i32, pL: i32, oH: i32, oW: i32, padValue: i32, dst: usize,
): void {
  const K = C * kH * kW;
  for (let oh = 0; oh < oH; oh++) {
    for (let ow = 0; ow < oW; ow++) {
      let d = dst + <usize>(oh * oW + ow) * <usize>K;
      const ih0 = oh * sH - pT;
      const iw0 = ow * sW - pL;
      for (let c = 0; c < C; c++) {
        const plane = x + <usize>c * <usize>(H * W);
        for (let kh = 0; kh < kH; kh++) {
          const ih = ih0 + kh * dH;
          if (<u32>ih >= <u32>H) {
            memory.fill(d, <u8>padValue, <usize>kW);
            d += <usize>kW;
            continue;
          }
          const row = plane + <usize>(ih * W);
          for (let kw = 0; kw < kW; kw++) {
            const iw = iw0 + kw * dW;
            store<u8>(d, <u32>iw < <u32>W ? load<u8>(row + <usize>iw) : <u8>padValue);
            d++;
          }
        }
      }
    }
  }
}

// Transposed im2col: dst [C·kH·kW, oH·oW] (one row per k, spatial positions contiguous), the
// layout the column-major packer (qu8_gemm_pack_a_* with rs = 1) reads fastest. With stride 1 in
// width each output row segment is one contiguous copy plus padding at both ends.
export function qu8_conv_im2col_t(
  x: usize, C: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32,
  pT: i32, pL: i32, oH: i32, oW: i32, padValue: i32, dst: usize,
): void {
  const pad = <u8>padValue;
  let d = dst;
  for (let c = 0; c < C; c++) {
    const plane = x + <usize>c * <usize>(H * W);
    for (let kh = 0; kh < kH; kh++) {
      for (let kw = 0; kw < kW; kw++) {
        for (let oh = 0; oh < oH; oh++) {
          const ih = oh * sH - pT + kh * dH;
          if (<u32>ih >= <u32>H) {
            memory.fill(d, pad, <usize>oW);
            d += <usize>oW;
            continue;
          }
          const row = plane + <usize>(ih * W);
          const iw0 = kw * dW - pL;
          if (sW == 1) {
            // ow in [lo, hi) reads inside the row
            const lo = min(oW, max(0, -iw0));
            const hi = max(lo, min(oW, W - iw0));
            if (lo > 0) memory.fill(d, pad, <usize>lo);
            if (hi > lo) memory.copy(d + <usize>lo, row + <usize>(iw0 + lo), <usize>(hi - lo));
            if (oW > hi) memory.fill(d + <usize>hi, pad, <usize>(oW - hi));
          } else {
            for (let ow = 0; ow < oW; ow++) {
              const iw = iw0 + ow * sW;
              store<u8>(d + <usize>ow, <u32>iw < <u32>W ? load<u8>(row + <usize>iw) : pad);
            }
          }
          d += <usize>oW;
        }
      }
    }
  }
}

// Implicit im2col for the baseline GEMM (4×8c2): packs 4-row tiles [t0, t1) of A = im2col(x)
// [oH·oW, C·kH·kW] straight from the NCHW input into the c2 layout of qu8_gemm_pack_a_c2 (mr = 4),
// with the same rowTerm, so the GEMM never sees an im2col buffer. XOR 0x80 (`xorMask`) turns s8
// into u8; padding reads `padValue` (the raw activation zero point). Rows ≥ oH·oW are padding.
// Four outputs on one output row with stride-1 width read one 32-bit word per k where the taps
// are inside the row; elsewhere bytes are gathered one by one.
export function qu8_conv_pack_a_c2(
  x: usize, C: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32,
  pT: i32, pL: i32, oH: i32, oW: i32, padValue: i32, xorMask: i32, za: i32, t0: i32, t1: i32,
  dst: usize, rowTerm: usize,
): void {
  const M = oH * oW;
  const K = C * kH * kW;
  const K2 = (K + 1) >> 1;
  const HW = H * W;
  const pad = padValue & 0xff;
  const padWord = pad * 0x01010101;
  const x8 = i8x16.splat(<i8>xorMask);
  for (let t = t0; t < t1; t++) {
    const m = t << 2;
    // per-row input origin; rows past M read padding only (ih0 = -1 - kH·dH is never inside)
    const oh0 = m / oW;
    const ow0 = m - oh0 * oW;
    const row4 = m + 3 < M && ow0 + 3 < oW && sW == 1;
    let ih0 = 0, iw0 = 0;
    if (row4) {
      ih0 = oh0 * sH - pT;
      iw0 = ow0 * sW - pL;
    }
    let out = dst + (<usize>t) * (<usize>K2) * 16;
    let sum = i32x4.splat(0);
    let c = 0, kh = 0, kw = 0;
    for (let p = 0; p < K2; p++) {
      let w0 = 0, w1 = 0;
      for (let i = 0; i < 2; i++) {
        let word = 0;
        if (2 * p + i >= K) break;
        if (row4) {
          const ih = ih0 + kh * dH;
          const iw = iw0 + kw * dW;
          if (<u32>ih >= <u32>H) {
            word = padWord;
          } else {
            const src = x + <usize>(c * HW + ih * W);
            if (iw >= 0 && iw + 4 <= W) {
              word = load<i32>(src + <usize>iw);
            } else {
              for (let r = 0; r < 4; r++) {
                const j = iw + r;
                word |= (<u32>j < <u32>W ? <i32>load<u8>(src + <usize>j) : pad) << (r << 3);
              }
            }
          }
        } else {
          for (let r = 0; r < 4; r++) {
            const mr = m + r;
            let b = pad;
            if (mr < M) {
              const oh = mr / oW;
              const ih = oh * sH - pT + kh * dH;
              const iw = (mr - oh * oW) * sW - pL + kw * dW;
              if (<u32>ih < <u32>H && <u32>iw < <u32>W) b = <i32>load<u8>(x + <usize>(c * HW + ih * W + iw));
            }
            word |= b << (r << 3);
          }
        }
        if (i == 0) w0 = word;
        else w1 = word;
        // next k in (c, kh, kw) order
        if (++kw == kW) {
          kw = 0;
          if (++kh == kH) {
            kh = 0;
            c++;
          }
        }
      }
      const r0 = i32x4.splat(w0);
      const r1 = 2 * p + 1 < K ? i32x4.splat(w1) : x8; // the missing k of an odd K: 0 after the XOR
      const v = v128.xor(i8x16.shuffle(r0, r1, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23), x8);
      const w = i16x8.extend_low_i8x16_u(v);
      v128.store(out, w);
      sum = i32x4.add(sum, i32x4.extadd_pairwise_i16x8_u(w));
      out += 16;
    }
    v128.store(rowTerm + ((<usize>m) << 2), i32x4.sub(sum, i32x4.splat(K * za)));
  }
}
