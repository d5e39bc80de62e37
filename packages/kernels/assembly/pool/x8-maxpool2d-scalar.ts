// MaxPool 2-D, NCHW, for u8 / s8 (exact, no requantization: max commutes with the monotone
// quantization map) and f32. Padded cells are ignored; dilations supported.
// The tensor is [nc = N·C, h, w] → [nc, oh, ow]; pads are top/left (bottom/right only shape oh/ow).
// dtype: 2 = u8, 3 = s8, 1 = f32 (ONNX codes).

// @ts-ignore: decorator
@inline function ld(p: usize, dtype: i32): f32 {
  if (dtype == 2) return <f32>load<u8>(p);
  if (dtype == 3) return <f32>load<i8>(p);
  return load<f32>(p);
}

// @ts-ignore: decorator
@inline function run(
  dtype: i32, es: i32, x: usize, y: usize, nc: i32, h: i32, w: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, pt: i32, pl: i32, dh: i32, dw: i32,
): void {
  for (let c = 0; c < nc; c++) {
    const xc = x + <usize>(c * h * w * es);
    const yc = y + <usize>(c * oh * ow * es);
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * sh - pt;
      for (let ox = 0; ox < ow; ox++) {
        const ix0 = ox * sw - pl;
        let m: f32 = -Infinity;
        for (let ky = 0; ky < kh; ky++) {
          const iy = iy0 + ky * dh;
          if (<u32>iy >= <u32>h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ix0 + kx * dw;
            if (<u32>ix >= <u32>w) continue;
            m = max(m, ld(xc + <usize>((iy * w + ix) * es), dtype));
          }
        }
        const o = yc + <usize>((oy * ow + ox) * es);
        if (dtype == 2) store<u8>(o, <u8><i32>m);
        else if (dtype == 3) store<i8>(o, <i8><i32>m);
        else store<f32>(o, m);
      }
    }
  }
}

export function x8_maxpool2d_scalar(
  dtype: i32, x: usize, y: usize, nc: i32, h: i32, w: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, pt: i32, pl: i32, dh: i32, dw: i32,
): void {
  if (dtype == 2) run(2, 1, x, y, nc, h, w, oh, ow, kh, kw, sh, sw, pt, pl, dh, dw);
  else if (dtype == 3) run(3, 1, x, y, nc, h, w, oh, ow, kh, kw, sh, sw, pt, pl, dh, dw);
  else run(1, 4, x, y, nc, h, w, oh, ow, kh, kw, sh, sw, pt, pl, dh, dw);
}
