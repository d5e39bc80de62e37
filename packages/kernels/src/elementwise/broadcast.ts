// Collapses a NumPy broadcast of two inputs into ≤ 4 dims with per-input element strides, the form
// f32_binary_wasmsimd and q8_qlinear_binary_wasmsimd take. Adjacent dims that broadcast the same
// way merge; size-1 output dims vanish. More than 4 merged dims: the leading ones are looped on
// the host (`outer`).
import { check } from './host.js';

export interface BroadcastPlan {
  readonly outShape: number[];
  /** host-looped leading dims: [size, aStride, bStride] each */
  readonly outer: [number, number, number][];
  readonly dims: [number, number, number, number];
  readonly aStrides: [number, number, number, number];
  readonly bStrides: [number, number, number, number];
}

export function broadcastShape(aShape: readonly number[], bShape: readonly number[]): number[] {
  const r = Math.max(aShape.length, bShape.length);
  const out: number[] = [];
  for (let d = 0; d < r; d++) {
    const a = aShape[d - (r - aShape.length)] ?? 1;
    const b = bShape[d - (r - bShape.length)] ?? 1;
    check(a === b || a === 1 || b === 1, `shapes [${aShape.join(', ')}] and [${bShape.join(', ')}] do not broadcast`);
    out.push(a === 1 ? b : a);
  }
  return out;
}

export function planBroadcast(aShape: readonly number[], bShape: readonly number[]): BroadcastPlan {
  const outShape = broadcastShape(aShape, bShape);
  const r = outShape.length;
  const pad = (s: readonly number[]) => [...new Array<number>(r - s.length).fill(1), ...s];
  const pa = pad(aShape);
  const pb = pad(bShape);
  // merged dims: size, and whether a / b are broadcast along it
  const merged: { size: number; aB: boolean; bB: boolean; aStride: number; bStride: number }[] = [];
  for (let d = 0; d < r; d++) {
    if (outShape[d] === 1) continue;
    const aB = pa[d] === 1;
    const bB = pb[d] === 1;
    const last = merged[merged.length - 1];
    if (last && last.aB === aB && last.bB === bB) last.size *= outShape[d];
    else merged.push({ size: outShape[d], aB, bB, aStride: 0, bStride: 0 });
  }
  let sa = 1;
  let sb = 1;
  for (let i = merged.length - 1; i >= 0; i--) {
    const m = merged[i];
    m.aStride = m.aB ? 0 : sa;
    m.bStride = m.bB ? 0 : sb;
    if (!m.aB) sa *= m.size;
    if (!m.bB) sb *= m.size;
  }
  while (merged.length < 4) merged.unshift({ size: 1, aB: true, bB: true, aStride: 0, bStride: 0 });
  const outer = merged.slice(0, merged.length - 4).map((m) => [m.size, m.aStride, m.bStride] as [number, number, number]);
  const last = merged.slice(merged.length - 4);
  return {
    outShape,
    outer,
    dims: last.map((m) => m.size) as BroadcastPlan['dims'],
    aStrides: last.map((m) => m.aStride) as BroadcastPlan['aStrides'],
    bStrides: last.map((m) => m.bStride) as BroadcastPlan['bStrides'],
  };
}

/** Calls `run(aOffset, bOffset, yOffset)` (element offsets) once per host-looped outer index. */
export function forEachOuter(plan: BroadcastPlan, run: (ao: number, bo: number, yo: number) => void): void {
  const inner = plan.dims.reduce((p, d) => p * d, 1);
  const walk = (level: number, ao: number, bo: number, yo: number): number => {
    if (level === plan.outer.length) {
      run(ao, bo, yo);
      return yo + inner;
    }
    const [size, as, bs] = plan.outer[level];
    for (let i = 0; i < size; i++) yo = walk(level + 1, ao + i * as, bo + i * bs, yo);
    return yo;
  };
  walk(0, 0, 0, 0);
}
