// Plain TypeScript references for the quantized op unit tests: float64 math straight from the ONNX
// / ONNX Runtime definitions, independent of the runtime's implementation.

export function rhe(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** y = saturate(round(x / s) + z) with the division in float32, as ONNX Runtime does. */
export function quantize(x: number, s: number, z: number, lo: number, hi: number): number {
  return clamp(rhe(Math.fround(x / s)) + z, lo, hi);
}

/** Integer matmul accumulators: Σ_k (a[m,k] − za)(b[k,n] − zb[n]) (+ bias[n]). */
export function refAcc(M: number, K: number, N: number, a: ArrayLike<number>, za: number, b: ArrayLike<number>, zb: ArrayLike<number>, bias?: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = bias ? bias[n] : 0;
      for (let k = 0; k < K; k++) s += (a[m * K + k] - za) * (b[k * N + n] - (zb.length > 1 ? zb[n] : zb[0]));
      out.push(s);
    }
  }
  return out;
}

/** fp32 requantization as ONNX Runtime's MLAS does it: round(f32(acc)·scale) + zy, saturated. */
export function refRequant(acc: number, scale: number, zy: number, lo: number, hi: number): number {
  return clamp(rhe(Math.fround(Math.fround(acc) * scale)) + zy, lo, hi);
}

/** Direct 2-D integer convolution accumulators, NCHW / OIHW. */
export function refConvAcc(
  x: ArrayLike<number>, xd: number[], za: number,
  w: ArrayLike<number>, wd: number[], zw: ArrayLike<number>,
  o: { group: number; strides: number[]; pads: number[]; dilations: number[] }, bias?: ArrayLike<number>,
): { acc: number[]; dims: number[] } {
  const [N, C, H, W] = xd;
  const [M, Cg, kH, kW] = wd;
  const [sH, sW] = o.strides;
  const [pT, pL, pB, pR] = o.pads;
  const [dH, dW] = o.dilations;
  const oH = Math.floor((H + pT + pB - (dH * (kH - 1) + 1)) / sH) + 1;
  const oW = Math.floor((W + pL + pR - (dW * (kW - 1) + 1)) / sW) + 1;
  const Mg = M / o.group;
  const acc: number[] = [];
  for (let n = 0; n < N; n++)
    for (let m = 0; m < M; m++)
      for (let i = 0; i < oH; i++)
        for (let j = 0; j < oW; j++) {
          let s = bias ? bias[m] : 0;
          const g = Math.floor(m / Mg);
          for (let c = 0; c < Cg; c++)
            for (let p = 0; p < kH; p++)
              for (let q = 0; q < kW; q++) {
                const h = i * sH - pT + p * dH;
                const ww = j * sW - pL + q * dW;
                const xv = h < 0 || h >= H || ww < 0 || ww >= W ? za : x[((n * C + g * Cg + c) * H + h) * W + ww];
                s += (xv - za) * (w[((m * Cg + c) * kH + p) * kW + q] - (zw.length > 1 ? zw[m] : zw[0]));
              }
          acc.push(s);
        }
  return { acc, dims: [N, M, oH, oW] };
}

/** erf to double precision by its Maclaurin series (|x| ≲ 6). */
export function erfRef(x: number): number {
  let sum = 0;
  let term = x;
  for (let n = 0; n < 200; n++) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
