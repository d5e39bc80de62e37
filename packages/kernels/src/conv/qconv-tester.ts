// Shared tester of the integer convolution family: random case → typed API vs reference.
import type { Kernels } from '../kernels.js';
import type { QOutputType } from '../gemm/gemm.js';
import { referenceQConv, type ReferenceQConv } from '../reference/qconv.js';
import { rng } from '../reference/random.js';

export interface ConvShape {
  N: number;
  C: number;
  H: number;
  W: number;
  M: number;
  k: [number, number];
  group?: number;
  strides?: [number, number];
  dilations?: [number, number];
  pads?: [number, number, number, number];
}

export function randomConvCase(seed: number, s: ConvShape, over: Partial<ReferenceQConv> = {}): ReferenceQConv {
  const r = rng(seed);
  const aSigned = r.int(0, 1) === 1;
  const bSigned = r.int(0, 1) === 1;
  const output = over.output ?? r.pick<QOutputType>(['u8', 's8', 'f32', 'i32']);
  const g = s.group ?? 1;
  const wCount = s.M * (s.C / g) * s.k[0] * s.k[1];
  const x = aSigned ? new Int8Array(s.N * s.C * s.H * s.W) : new Uint8Array(s.N * s.C * s.H * s.W);
  const w = bSigned ? new Int8Array(wCount) : new Uint8Array(wCount);
  const aLo = aSigned ? -128 : 0;
  const bLo = bSigned ? -128 : 0;
  for (let i = 0; i < x.length; i++) x[i] = r.int(aLo, aLo + 255);
  for (let i = 0; i < w.length; i++) w[i] = r.int(bLo, bLo + 255);
  const extreme = (lo: number) => r.pick([lo, lo + 255, r.int(lo, lo + 255)]);
  const K = (s.C / g) * s.k[0] * s.k[1];
  const base = 1 / (Math.sqrt(K) * 128 * 24);
  const sat = r.int(0, 3) === 0 ? 64 : 1;
  const yLo = output === 's8' ? -128 : 0;
  return {
    N: s.N, C: s.C, H: s.H, W: s.W, M: s.M, kernelShape: s.k, group: s.group, strides: s.strides, dilations: s.dilations, pads: s.pads,
    x, w, output,
    xZeroPoint: extreme(aLo),
    wZeroPoint: r.int(0, 1) ? Array.from({ length: s.M }, () => extreme(bLo)) : extreme(bLo),
    scale: r.int(0, 1) ? Array.from({ length: s.M }, () => base * sat * (0.5 + r.float())) : base * sat * (0.5 + r.float()),
    outputZeroPoint: output === 'u8' || output === 's8' ? r.int(yLo, yLo + 255) : 0,
    bias: r.int(0, 1) ? Int32Array.from({ length: s.M }, () => r.int(-30000, 30000)) : undefined,
    biasF32: output === 'f32' && r.int(0, 1) ? Float32Array.from({ length: s.M }, () => r.float() * 8 - 4) : undefined,
    ...over,
  };
}

export function createConvCase(k: Kernels, c: ReferenceQConv) {
  return k.createQConv({
    C: c.C, H: c.H, W: c.W, M: c.M, kernelShape: c.kernelShape, group: c.group, strides: c.strides, dilations: c.dilations, pads: c.pads,
    weights: c.w, weightZeroPoint: c.wZeroPoint, activationSigned: c.x instanceof Int8Array, activationZeroPoint: c.xZeroPoint,
    output: c.output, scale: c.scale, outputZeroPoint: c.outputZeroPoint, outputMin: c.outputMin, outputMax: c.outputMax, bias: c.bias, biasF32: c.biasF32,
  });
}

export function runConvCase(k: Kernels, c: ReferenceQConv) {
  const conv = createConvCase(k, c);
  try {
    return { method: conv.method, got: conv.runArrays(c.N, c.x) };
  } finally {
    conv.dispose();
  }
}

export { referenceQConv };
