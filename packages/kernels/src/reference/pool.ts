// Plain TypeScript references for pooling (NCHW, 2-D): MaxPool (u8/s8/f32), AveragePool and
// QLinearAveragePool (ORT's fp32 window sums), GlobalAveragePool and QLinearGlobalAveragePool
// (ORT's integer sum + requantization).
import { roundHalfEven } from './requantize.js';

export interface Pool2dShape {
  readonly nc: number;
  readonly h: number;
  readonly w: number;
  readonly oh: number;
  readonly ow: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  /** top / left pads (bottom / right only determine oh / ow). */
  readonly pt: number;
  readonly pl: number;
  readonly dh?: number;
  readonly dw?: number;
}

export function referenceMaxPool2d(x: ArrayLike<number>, s: Pool2dShape): number[] {
  const y: number[] = [];
  const dh = s.dh ?? 1;
  const dw = s.dw ?? 1;
  for (let c = 0; c < s.nc; c++) {
    for (let oy = 0; oy < s.oh; oy++) {
      for (let ox = 0; ox < s.ow; ox++) {
        let m = -Infinity;
        for (let ky = 0; ky < s.kh; ky++) {
          for (let kx = 0; kx < s.kw; kx++) {
            const iy = oy * s.sh - s.pt + ky * dh;
            const ix = ox * s.sw - s.pl + kx * dw;
            if (iy >= 0 && iy < s.h && ix >= 0 && ix < s.w) m = Math.max(m, x[(c * s.h + iy) * s.w + ix]);
          }
        }
        y.push(m);
      }
    }
  }
  return y;
}

/** Window averages in fp32, summed row by row as ORT does; `deq` maps an input element to fp32. */
function avgWindows(x: ArrayLike<number>, s: Pool2dShape, countIncludePad: boolean, deq: (v: number) => number): number[] {
  const f = Math.fround;
  const y: number[] = [];
  for (let c = 0; c < s.nc; c++) {
    for (let oy = 0; oy < s.oh; oy++) {
      let hs = oy * s.sh - s.pt;
      const he = Math.min(hs + s.kh, s.h);
      hs = Math.max(hs, 0);
      for (let ox = 0; ox < s.ow; ox++) {
        let ws = ox * s.sw - s.pl;
        const we = Math.min(ws + s.kw, s.w);
        ws = Math.max(ws, 0);
        let sum = 0;
        for (let iy = hs; iy < he; iy++) for (let ix = ws; ix < we; ix++) sum = f(sum + deq(x[(c * s.h + iy) * s.w + ix]));
        const cnt = countIncludePad ? s.kh * s.kw : (he - hs) * (we - ws);
        y.push(f(sum / cnt));
      }
    }
  }
  return y;
}

export function referenceAvgPool2d(x: ArrayLike<number>, s: Pool2dShape, countIncludePad: boolean): number[] {
  return avgWindows(x, s, countIncludePad, (v) => v);
}

export interface QPoolParams {
  readonly xScale: number;
  readonly xZeroPoint: number;
  readonly yScale: number;
  readonly yZeroPoint: number;
  readonly signed: boolean;
}

/** QLinearAveragePool (not the global fallback): dequantize, fp32 average, nearbyint(avg / ys + yzp). */
export function referenceQLinearAvgPool2d(x: ArrayLike<number>, s: Pool2dShape, countIncludePad: boolean, p: QPoolParams): number[] {
  const f = Math.fround;
  const [lo, hi] = p.signed ? [-128, 127] : [0, 255];
  const avg = avgWindows(x, s, countIncludePad, (v) => f(f(p.xScale) * (v - p.xZeroPoint)));
  return avg.map((a) => Math.min(hi, Math.max(lo, roundHalfEven(f(f(a / f(p.yScale)) + p.yZeroPoint)))) | 0);
}

/** QLinearGlobalAveragePool over [nc, hw] (NCHW) with MLAS's integer-sum requantization. */
export function referenceQLinearGlobalAvgPool(x: ArrayLike<number>, nc: number, hw: number, p: QPoolParams): number[] {
  const f = Math.fround;
  const [lo, hi] = p.signed ? [-128, 127] : [0, 255];
  const scale = f(f(p.xScale) / f(f(p.yScale) * hw));
  const y: number[] = [];
  for (let c = 0; c < nc; c++) {
    let acc = -p.xZeroPoint * hw;
    for (let i = 0; i < hw; i++) acc += x[c * hw + i];
    const v = Math.min(hi - p.yZeroPoint, Math.max(lo - p.yZeroPoint, f(f(acc) * scale)));
    y.push((roundHalfEven(v) + p.yZeroPoint) | 0);
  }
  return y;
}

export function referenceGlobalAvgPool(x: ArrayLike<number>, nc: number, hw: number): number[] {
  const y: number[] = [];
  for (let c = 0; c < nc; c++) {
    let s = 0;
    for (let i = 0; i < hw; i++) s += x[c * hw + i];
    y.push(s / hw);
  }
  return y;
}
