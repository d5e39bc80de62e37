// fp32 Conv 2-D, NCHW, weights [OC, C/group, kh, kw], bias [OC] or null, output clamped to
// [lo, hi] (fused ReLU/Clip). Three paths:
//   depthwise (C/group == 1): direct per-tap row accumulation, SIMD along the output row when
//     stride_w == 1;
//   1×1, stride 1, no pad: the input plane is already the GEMM's B — packed, no im2col;
//   general: im2col written straight into the GEMM's packed-B layout, CHUNK output pixels at a
//     time, then C[OC/g, pixels] = W_g[OC/g, C/g·kh·kw] · B.
// scratch: f32_conv2d_scratch_bytes(...) bytes (0 for depthwise).
import { gemm } from './f32-gemm-4x8-minmax-wasmsimd';
import { fmadd } from './f32-fmadd';

const CHUNK: i32 = 256; // output pixels per im2col block (multiple of 8)

export function f32_conv2d_scratch_bytes(C: i32, group: i32, kh: i32, kw: i32, OH: i32, OW: i32): i32 {
  const cg = C / group;
  if (cg == 1 && group > 1) return 0;
  const pixels = min(CHUNK, ((OH * OW + 7) >> 3) << 3);
  return cg * kh * kw * pixels * 4;
}

function depthwise(
  x: usize, w: usize, bias: usize, y: usize, N: i32, C: i32, H: i32, W: i32, OC: i32, OH: i32, OW: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, pt: i32, pl: i32, dh: i32, dw: i32, lo: f32, hi: f32, oc0: i32, oc1: i32,
): void {
  const mult = OC / C;
  const lov = f32x4.splat(lo);
  const hiv = f32x4.splat(hi);
  for (let n = 0; n < N; n++) {
    for (let oc = oc0; oc < oc1; oc++) {
      const xc = x + (<usize>((n * C + oc / mult) * H * W) << 2);
      const yc = y + (<usize>((n * OC + oc) * OH * OW) << 2);
      const wc = w + (<usize>(oc * kh * kw) << 2);
      const b: f32 = bias ? load<f32>(bias + (<usize>oc << 2)) : 0;
      for (let oy = 0; oy < OH; oy++) {
        const yr = yc + (<usize>(oy * OW) << 2);
        for (let ox = 0; ox < OW; ox++) store<f32>(yr + (<usize>ox << 2), b);
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - pt + ky * dh;
          if (<u32>iy >= <u32>H) continue;
          const xr = xc + (<usize>(iy * W) << 2);
          for (let kx = 0; kx < kw; kx++) {
            const wv: f32 = load<f32>(wc + (<usize>(ky * kw + kx) << 2));
            const off = kx * dw - pl; // ix = ox·sw + off
            // valid ox: 0 ≤ ox·sw + off < W
            let ox0 = off >= 0 ? 0 : (-off + sw - 1) / sw;
            let ox1 = (W - 1 - off) >= 0 ? (W - 1 - off) / sw + 1 : 0;
            ox1 = min(ox1, OW);
            if (ox0 >= ox1) continue;
            let ox = ox0;
            if (sw == 1) {
              const wvv = f32x4.splat(wv);
              for (; ox + 4 <= ox1; ox += 4) {
                const yo = yr + (<usize>ox << 2);
                v128.store(yo, fmadd(wvv, v128.load(xr + (<usize>(ox + off) << 2)), v128.load(yo)));
              }
            }
            for (; ox < ox1; ox++) {
              const yo = yr + (<usize>ox << 2);
              store<f32>(yo, load<f32>(yo) + wv * load<f32>(xr + (<usize>(ox * sw + off) << 2)));
            }
          }
        }
        let ox = 0;
        for (; ox + 4 <= OW; ox += 4) {
          const yo = yr + (<usize>ox << 2);
          v128.store(yo, f32x4.min(f32x4.max(v128.load(yo), lov), hiv));
        }
        for (; ox < OW; ox++) {
          const yo = yr + (<usize>ox << 2);
          store<f32>(yo, min(max(load<f32>(yo), lo), hi));
        }
      }
    }
  }
}

/**
 * im2col of pixels [p0, p0 + np) of one (batch, group) input into packed-B panels of 8 pixels.
 * A panel whose 8 pixels sit on one output row with stride_w 1 copies two vectors per tap when the
 * tap's input span is inside the image (the common interior case); otherwise lane by lane.
 */
function im2colPacked(
  xg: usize, cg: i32, H: i32, W: i32, OW: i32, kh: i32, kw: i32, sh: i32, sw: i32,
  pt: i32, pl: i32, dh: i32, dw: i32, p0: i32, np: i32, out: usize, pointwise: bool,
): void {
  const HW = H * W;
  const zero = f32x4.splat(0);
  let o = out;
  for (let q = 0; q < np; q += 8) {
    const lanes = min(8, np - q);
    const pq = p0 + q;
    if (pointwise && lanes == 8) {
      // 1×1 / stride 1 / no pad: pixel p of channel c is x[c·HW + p].
      for (let c = 0; c < cg; c++) {
        const src = xg + (<usize>(c * HW + pq) << 2);
        v128.store(o, v128.load(src));
        v128.store(o, v128.load(src, 16), 16);
        o += 32;
      }
      continue;
    }
    const oy0 = pq / OW;
    const ox0 = pq - oy0 * OW;
    const oneRow = lanes == 8 && ox0 + 7 < OW && sw == 1;
    for (let c = 0; c < cg; c++) {
      const xc = xg + (<usize>(c * HW) << 2);
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          if (oneRow) {
            const iy = oy0 * sh - pt + ky * dh;
            const ix = ox0 - pl + kx * dw;
            if (<u32>iy >= <u32>H) {
              v128.store(o, zero);
              v128.store(o, zero, 16);
              o += 32;
              continue;
            }
            if (ix >= 0 && ix + 8 <= W) {
              const src = xc + (<usize>(iy * W + ix) << 2);
              v128.store(o, v128.load(src));
              v128.store(o, v128.load(src, 16), 16);
              o += 32;
              continue;
            }
          }
          // general: lane by lane (row wrap, borders, strides, the last partial panel)
          let oy = oy0;
          let ox = ox0;
          for (let j = 0; j < 8; j++) {
            let v: f32 = 0;
            if (j < lanes) {
              const iy = oy * sh - pt + ky * dh;
              const ix = ox * sw - pl + kx * dw;
              if (<u32>iy < <u32>H && <u32>ix < <u32>W) v = load<f32>(xc + (<usize>(iy * W + ix) << 2));
            }
            store<f32>(o + (<usize>j << 2), v);
            if (++ox == OW) {
              ox = 0;
              oy++;
            }
          }
          o += 32;
        }
      }
    }
  }
}

/**
 * Output channels [oc0, oc1) of the convolution (the whole of it: 0, OC). Threads each take a
 * range with their own scratch; the clamp comes as f32 bit patterns (the pool passes integers).
 */
export function f32_conv2d_wasmsimd(
  x: usize, w: usize, bias: usize, y: usize,
  N: i32, C: i32, H: i32, W: i32, OC: i32, OH: i32, OW: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, pt: i32, pl: i32, dh: i32, dw: i32,
  group: i32, loBits: i32, hiBits: i32, scratch: usize, oc0: i32, oc1: i32,
): void {
  const lo = reinterpret<f32>(loBits);
  const hi = reinterpret<f32>(hiBits);
  const cg = C / group;
  if (cg == 1 && group > 1) {
    depthwise(x, w, bias, y, N, C, H, W, OC, OH, OW, kh, kw, sh, sw, pt, pl, dh, dw, lo, hi, oc0, oc1);
    return;
  }
  const ocg = OC / group;
  const kdim = cg * kh * kw;
  const P = OH * OW;
  const pointwise = kh == 1 && kw == 1 && sh == 1 && sw == 1 && pt == 0 && pl == 0 && OH == H && OW == W;
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < group; g++) {
      // this group's rows within [oc0, oc1)
      const r0 = max(oc0 - g * ocg, 0);
      const r1 = min(oc1 - g * ocg, ocg);
      if (r0 >= r1) continue;
      const xg = x + (<usize>((n * C + g * cg) * H * W) << 2);
      const wg = w + (<usize>((g * ocg + r0) * kdim) << 2);
      const yg = y + (<usize>((n * OC + g * ocg + r0) * P) << 2);
      const bg: usize = bias ? bias + (<usize>(g * ocg + r0) << 2) : 0;
      for (let p0 = 0; p0 < P; p0 += CHUNK) {
        const np = min(CHUNK, P - p0);
        im2colPacked(xg, cg, H, W, OW, kh, kw, sh, sw, pt, pl, dh, dw, p0, np, scratch, pointwise);
        gemm(r1 - r0, np, kdim, wg, kdim, scratch, yg + (<usize>p0 << 2), P, bg, bg ? 2 : 0, lo, hi);
      }
    }
  }
}
