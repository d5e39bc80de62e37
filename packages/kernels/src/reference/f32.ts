// Plain TypeScript references for the fp32 GEMM and convolution (fp64 accumulation).

export interface SgemmCase {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  /** [M, K] */
  readonly a: Float32Array;
  /** [K, N], or [N, K] when transB */
  readonly b: Float32Array;
  readonly transB: boolean;
  readonly bias: { kind: 'col' | 'row' | 'full'; data: Float32Array } | null;
  readonly lo: number;
  readonly hi: number;
}

export function referenceSgemm(c: SgemmCase): Float64Array {
  const y = new Float64Array(c.M * c.N);
  for (let m = 0; m < c.M; m++) {
    for (let n = 0; n < c.N; n++) {
      let s = 0;
      for (let k = 0; k < c.K; k++) s += c.a[m * c.K + k] * (c.transB ? c.b[n * c.K + k] : c.b[k * c.N + n]);
      if (c.bias) s += c.bias.kind === 'col' ? c.bias.data[n] : c.bias.kind === 'row' ? c.bias.data[m] : c.bias.data[m * c.N + n];
      y[m * c.N + n] = Math.min(c.hi, Math.max(c.lo, s));
    }
  }
  return y;
}

export interface Conv2dShape {
  readonly N: number;
  readonly C: number;
  readonly H: number;
  readonly W: number;
  readonly OC: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  /** [top, left, bottom, right] */
  readonly pads: readonly [number, number, number, number];
  readonly dh: number;
  readonly dw: number;
  readonly group: number;
}

export function convOutputSize(s: Conv2dShape): [number, number] {
  const oh = Math.floor((s.H + s.pads[0] + s.pads[2] - (s.dh * (s.kh - 1) + 1)) / s.sh) + 1;
  const ow = Math.floor((s.W + s.pads[1] + s.pads[3] - (s.dw * (s.kw - 1) + 1)) / s.sw) + 1;
  return [oh, ow];
}

export function referenceConv2d(
  x: Float32Array, w: Float32Array, bias: Float32Array | null, s: Conv2dShape, lo = -Infinity, hi = Infinity,
): Float64Array {
  const [OH, OW] = convOutputSize(s);
  const cg = s.C / s.group;
  const ocg = s.OC / s.group;
  const y = new Float64Array(s.N * s.OC * OH * OW);
  for (let n = 0; n < s.N; n++) {
    for (let oc = 0; oc < s.OC; oc++) {
      const g = Math.floor(oc / ocg);
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          let acc = bias ? bias[oc] : 0;
          for (let c = 0; c < cg; c++) {
            for (let ky = 0; ky < s.kh; ky++) {
              for (let kx = 0; kx < s.kw; kx++) {
                const iy = oy * s.sh - s.pads[0] + ky * s.dh;
                const ix = ox * s.sw - s.pads[1] + kx * s.dw;
                if (iy < 0 || iy >= s.H || ix < 0 || ix >= s.W) continue;
                acc += x[((n * s.C + g * cg + c) * s.H + iy) * s.W + ix] * w[((oc * cg + c) * s.kh + ky) * s.kw + kx];
              }
            }
          }
          y[((n * s.OC + oc) * OH + oy) * OW + ox] = Math.min(hi, Math.max(lo, acc));
        }
      }
    }
  }
  return y;
}
