// MaxPool 2-D, NCHW, for u8 / s8 (exact, no requantization: max commutes with the monotone
// quantization map) and f32. Padded cells are ignored; dilations supported.
// The tensor is [nc = N·C, h, w] → [nc, oh, ow]; pads are top/left (bottom/right only shape oh/ow).
// dtype: 2 = u8, 3 = s8, 1 = f32 (ONNX codes).
// Each output row accumulates tap by tap (y[ox] = max(y[ox], x[iy, ox·sw + kx·dw − pl])) over the
// in-image range of ox; stride 1 and 2 take SIMD paths (stride 2 de-interleaves with a shuffle).

// @ts-ignore: decorator
@inline function ld(p: usize, dtype: i32): f32 {
  if (dtype == 2) return <f32>load<u8>(p);
  if (dtype == 3) return <f32>load<i8>(p);
  return load<f32>(p);
}

// @ts-ignore: decorator
@inline function st(p: usize, v: f32, dtype: i32): void {
  if (dtype == 2) store<u8>(p, <u8><i32>v);
  else if (dtype == 3) store<i8>(p, <i8><i32>v);
  else store<f32>(p, v);
}

// @ts-ignore: decorator
@inline function vmax(a: v128, b: v128, dtype: i32): v128 {
  if (dtype == 2) return i8x16.max_u(a, b);
  if (dtype == 3) return i8x16.max_s(a, b);
  return f32x4.max(a, b);
}

// @ts-ignore: decorator
@inline function run(
  dtype: i32, x: usize, y: usize, nc: i32, h: i32, w: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, pt: i32, pl: i32, dh: i32, dw: i32,
): void {
  const es = dtype == 1 ? 4 : 1;
  const vl = 16 / es; // elements per vector
  const lowest: f32 = dtype == 2 ? 0 : dtype == 3 ? -128 : -Infinity;
  for (let c = 0; c < nc; c++) {
    const xc = x + <usize>(c * h * w * es);
    const yc = y + <usize>(c * oh * ow * es);
    for (let oy = 0; oy < oh; oy++) {
      const yr = yc + <usize>(oy * ow * es);
      for (let ox = 0; ox < ow; ox++) st(yr + <usize>(ox * es), lowest, dtype);
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * sh - pt + ky * dh;
        if (<u32>iy >= <u32>h) continue;
        const xr = xc + <usize>(iy * w * es);
        for (let kx = 0; kx < kw; kx++) {
          const off = kx * dw - pl; // ix = ox·sw + off
          const ox0 = off >= 0 ? 0 : (-off + sw - 1) / sw;
          const ox1 = min(w - 1 - off >= 0 ? (w - 1 - off) / sw + 1 : 0, ow);
          let ox = ox0;
          if (sw == 1) {
            for (; ox + vl <= ox1; ox += vl) {
              const yo = yr + <usize>(ox * es);
              v128.store(yo, vmax(v128.load(yo), v128.load(xr + <usize>((ox + off) * es)), dtype));
            }
          } else if (sw == 2) {
            // 2·vl input elements → the vl even ones; the second load must stay inside the row
            for (; ox + vl <= ox1 && 2 * ox + off + 2 * vl <= w; ox += vl) {
              const src = xr + <usize>((2 * ox + off) * es);
              const a = v128.load(src);
              const b = v128.load(src, 16);
              const ev = dtype == 1
                ? i8x16.shuffle(a, b, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27)
                : i8x16.shuffle(a, b, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
              const yo = yr + <usize>(ox * es);
              v128.store(yo, vmax(v128.load(yo), ev, dtype));
            }
          }
          for (; ox < ox1; ox++) {
            const yo = yr + <usize>(ox * es);
            st(yo, max(ld(yo, dtype), ld(xr + <usize>((ox * sw + off) * es), dtype)), dtype);
          }
        }
      }
    }
  }
}

export function x8_maxpool2d_wasmsimd(
  dtype: i32, x: usize, y: usize, nc: i32, h: i32, w: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, pt: i32, pl: i32, dh: i32, dw: i32,
): void {
  if (dtype == 2) run(2, x, y, nc, h, w, oh, ow, kh, kw, sh, sw, pt, pl, dh, dw);
  else if (dtype == 3) run(3, x, y, nc, h, w, oh, ow, kh, kw, sh, sw, pt, pl, dh, dw);
  else run(1, x, y, nc, h, w, oh, ow, kh, kw, sh, sw, pt, pl, dh, dw);
}
