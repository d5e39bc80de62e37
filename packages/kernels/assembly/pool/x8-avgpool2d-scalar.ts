// AveragePool 2-D, NCHW, fp32 and quantized (QLinearAveragePool, com.microsoft), bit-exact with
// ORT's CPU kernels:
//   quantized input is dequantized as x_scale · (x − x_zp) (a 256-entry table, same values),
//   each window is summed in fp32 in (row, column) order, divided by the count — kh·kw when
//   countIncludePad, else the number of in-bounds cells — and requantized as
//   saturate(nearbyint(avg / y_scale + y_zp)) (zero point added before rounding, as ORT does).
// Windows are clipped to the input (ORT: hend = min(hstart + kh, h)); no dilations.
// NOTE: ORT runs QLinearAveragePool as QLinearGlobalAveragePool (integer sum, different rounding)
// when the kernel covers the whole image with zero pads; the TS wrapper makes the same switch.
// dtype: 1 = f32 in/out; 2 = u8, 3 = s8 quantized in/out. `lut` is a 1 KiB scratch for quantized.

// @ts-ignore: decorator
@inline function run(
  dtype: i32, x: usize, y: usize, nc: i32, h: i32, w: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, pt: i32, pl: i32, countIncludePad: i32,
  yScale: f32, yZp: f32, lo: f32, hi: f32, lut: usize,
): void {
  const es = dtype == 1 ? 4 : 1;
  for (let c = 0; c < nc; c++) {
    const xc = x + <usize>(c * h * w * es);
    const yc = y + <usize>(c * oh * ow * es);
    for (let oy = 0; oy < oh; oy++) {
      let hs = oy * sh - pt;
      const he = min(hs + kh, h);
      hs = max(hs, 0);
      for (let ox = 0; ox < ow; ox++) {
        let ws = ox * sw - pl;
        const we = min(ws + kw, w);
        ws = max(ws, 0);
        let s: f32 = 0;
        for (let iy = hs; iy < he; iy++) {
          for (let ix = ws; ix < we; ix++) {
            const idx = iy * w + ix;
            if (dtype == 1) s += load<f32>(xc + (<usize>idx << 2));
            else s += load<f32>(lut + (<usize>load<u8>(xc + <usize>idx) << 2));
          }
        }
        const cnt = countIncludePad ? kh * kw : (he - hs) * (we - ws);
        const avg = s / <f32>cnt;
        const o = ox + oy * ow;
        if (dtype == 1) {
          store<f32>(yc + (<usize>o << 2), avg);
        } else {
          const q = min(max(nearest(avg / yScale + yZp), lo), hi);
          store<u8>(yc + <usize>o, <u8><i32>q);
        }
      }
    }
  }
}

export function f32_avgpool2d_scalar(
  x: usize, y: usize, nc: i32, h: i32, w: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, pt: i32, pl: i32, countIncludePad: i32,
): void {
  run(1, x, y, nc, h, w, oh, ow, kh, kw, sh, sw, pt, pl, countIncludePad, 1, 0, 0, 0, 0);
}

export function q8_avgpool2d_scalar(
  signed: i32, x: usize, y: usize, nc: i32, h: i32, w: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, pt: i32, pl: i32, countIncludePad: i32,
  xScale: f32, xZp: i32, yScale: f32, yZp: i32, lut: usize,
): void {
  // Table indexed by the raw byte: for s8 the byte b stands for (i8)b.
  for (let b = 0; b < 256; b++) {
    const v = signed ? <i32><i8>b : b;
    store<f32>(lut + (<usize>b << 2), xScale * <f32>(v - xZp));
  }
  const lo: f32 = signed ? -128 : 0;
  const hi: f32 = signed ? 127 : 255;
  run(2, x, y, nc, h, w, oh, ow, kh, kw, sh, sw, pt, pl, countIncludePad, yScale, <f32>yZp, lo, hi, lut);
}
