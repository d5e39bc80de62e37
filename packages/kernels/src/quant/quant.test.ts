import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Kernels } from '../kernels.js';
import { loadKernels } from '../load-kernels.js';
import { rng } from '../reference/random.js';
import {
  quantRange, referenceDequantizeLinear, referenceDynamicQuantizeLinear, referenceQuantizeLinear, type QuantLayout, type QuantType,
} from '../reference/quant.js';
import { readNodeCase } from './onnx-node-case.js';
import {
  dequantizeLinear, dynamicQuantizeLinear, packInt4, quantizeLinear, quantLayout, scaleCount, unpackInt4, type QuantArray,
} from './quant.js';

const NODE_DIR = fileURLToPath(new URL('../../../../test-data/kernels/onnx-node/', import.meta.url));
const TYPES: QuantType[] = ['u8', 's8', 'u16', 's16', 'u4', 's4'];
const TYPE_OF: Record<number, QuantType> = { 2: 'u8', 3: 's8', 4: 'u16', 5: 's16', 21: 'u4', 22: 's4' };

let k: Kernels;
beforeAll(async () => {
  k = await loadKernels({ variant: 'simd' });
});

function toArray(type: QuantType, values: ArrayLike<number>): QuantArray {
  switch (type) {
    case 'u8': return Uint8Array.from(values);
    case 's8': return Int8Array.from(values);
    case 'u16': return Uint16Array.from(values);
    case 's16': return Int16Array.from(values);
    case 'u4': case 's4': return packInt4(values);
  }
}

function values(type: QuantType, a: QuantArray, count: number): number[] {
  return type === 'u4' || type === 's4' ? Array.from(unpackInt4(a as Uint8Array, count, type === 's4')) : Array.from(a);
}

function layoutFor(dims: number[], scaleDims: number[], attrs: Record<string, number>): QuantLayout {
  const scaleSize = scaleDims.reduce((p, d) => p * d, 1);
  if (scaleSize === 1 && !attrs.block_size) return quantLayout(dims, null);
  return quantLayout(dims, attrs.axis ?? 1, attrs.block_size ?? 0);
}

describe('ONNX conformance cases (test-data/kernels/onnx-node)', () => {
  const cases = readdirSync(NODE_DIR).sort();
  it('has the copied cases', () => expect(cases.length).toBeGreaterThanOrEqual(18));
  for (const name of cases) {
    it(name, () => {
      const c = readNodeCase(NODE_DIR + name);
      if (c.opType === 'QuantizeLinear') {
        const [x, s, z] = c.inputs;
        const type = TYPE_OF[(z ?? c.outputs[0]).dataType];
        const l = layoutFor(x.dims, s.dims, c.attributes);
        const y = quantizeLinear(k, Float32Array.from(x.values), Float32Array.from(s.values), z ? toArray(type, z.values) : null, type, l);
        expect(values(type, y, x.values.length)).toEqual(c.outputs[0].values);
      } else if (c.opType === 'DequantizeLinear') {
        const [x, s, z] = c.inputs;
        const type = TYPE_OF[x.dataType];
        const l = layoutFor(x.dims, s.dims, c.attributes);
        const y = dequantizeLinear(k, toArray(type, x.values), Float32Array.from(s.values), z ? toArray(type, z.values) : null, type, l);
        expect(Array.from(y)).toEqual(c.outputs[0].values);
      } else {
        expect(c.opType).toBe('DynamicQuantizeLinear');
        const r = dynamicQuantizeLinear(k, Float32Array.from(c.inputs[0].values));
        expect(Array.from(r.y)).toEqual(c.outputs[0].values);
        expect(r.scale).toBe(c.outputs[1].values[0]);
        expect(r.zeroPoint).toBe(c.outputs[2].values[0]);
      }
    });
  }
});

interface RandomCase {
  shape: number[];
  axis: number | null;
  block: number;
}

const SHAPES: RandomCase[] = [
  { shape: [37], axis: null, block: 0 },
  { shape: [1], axis: null, block: 0 },
  { shape: [3, 17, 5], axis: null, block: 0 },
  { shape: [5, 7, 9], axis: 1, block: 0 },
  { shape: [6, 33], axis: 0, block: 0 },
  { shape: [4, 19], axis: 1, block: 0 }, // axis last: per-element scale rows
  { shape: [2, 3, 35], axis: -1, block: 0 },
  { shape: [35, 6], axis: 0, block: 16 }, // blocked, inner > 1, partial last block
  { shape: [6, 70], axis: 1, block: 32 }, // blocked along the last axis
  { shape: [3, 10, 5], axis: 1, block: 4 },
  { shape: [2, 9, 17], axis: 2, block: 5 },
];

function randomParams(seed: number, type: QuantType, l: QuantLayout) {
  const r = rng(seed);
  const [lo, hi] = quantRange(type);
  const n = scaleCount(l);
  const scale = Float32Array.from({ length: n }, () => Math.fround(0.001 + r.float() * 0.2));
  // zero points at both ends of the range, and in between
  const zp = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? lo : i % 3 === 1 ? hi : r.int(lo, hi)));
  return { scale, zp };
}

describe('QuantizeLinear against the TypeScript reference', () => {
  it('every type × layout, saturating at both ends, with exact ties', () => {
    let seed = 1;
    let checked = 0;
    for (const type of TYPES) {
      const [lo, hi] = quantRange(type);
      for (const sc of SHAPES) {
        const l = quantLayout(sc.shape, sc.axis, sc.block);
        const count = sc.shape.reduce((p, d) => p * d, 1);
        for (const withZp of [true, false]) {
          const r = rng(seed++);
          const { scale, zp } = randomParams(seed++, type, l);
          const span = (hi - lo) * 0.25;
          const x = new Float32Array(count);
          for (let j = 0; j < count; j++) {
            const s = scale[0];
            const mode = j % 5;
            // ties (x/scale = k + 0.5 exactly), far beyond both ends, and ordinary values
            x[j] = mode === 0 ? Math.fround((r.int(-40, 40) + 0.5) * 0.25) : mode === 1 ? (r.float() < 0.5 ? -1 : 1) * 1e6 : (r.float() - 0.5) * span * s * 6;
          }
          if (sc.axis === null || sc.block === 0) {
            // make the tie values real ties for per-tensor / per-axis (scale 0.25 exactly)
            scale.fill(0.25);
          }
          const zpArr = withZp ? toArray(type, zp) : null;
          const got = values(type, quantizeLinear(k, x, scale, zpArr, type, l), count);
          const want = Array.from(referenceQuantizeLinear(x, scale, withZp ? zp : null, type, l));
          expect(got).toEqual(want);
          if (count >= 20) {
            expect(want).toContain(lo);
            expect(want).toContain(hi);
          }
          checked += count;
        }
      }
    }
    expect(checked).toBeGreaterThan(5000);
  });

  it('packs int4 low nibble first with a zero padding nibble, whatever the output memory held', () => {
    for (const type of ['u4', 's4'] as const) {
      // dirty the heap so the output allocation reuses non-zero bytes
      const m = k.heap.mark();
      const dirty = k.heap.alloc(4096);
      k.heap.u8.fill(0xff, dirty, dirty + 4096);
      k.heap.release(m);
      const x = Float32Array.from([1, 2, 3, -1, 5]);
      const y = quantizeLinear(k, x, Float32Array.of(1), null, type, quantLayout([5], null));
      expect(y.length).toBe(3);
      expect(y[2] >> 4).toBe(0);
      expect(Array.from(unpackInt4(y as Uint8Array, 5, type === 's4'))).toEqual(type === 'u4' ? [1, 2, 3, 0, 5] : [1, 2, 3, -1, 5]);
    }
  });

  it('rounds half to even, not away from zero', () => {
    const x = Float32Array.from([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5]);
    const y = quantizeLinear(k, x, Float32Array.of(1), Int8Array.of(0), 's8', quantLayout([7], null));
    expect(Array.from(y)).toEqual([0, 2, 2, 0, -2, -2, 4]);
  });
});

describe('DequantizeLinear against the TypeScript reference', () => {
  it('every type × layout, zero points at both ends', () => {
    let seed = 100;
    for (const type of TYPES) {
      const [lo, hi] = quantRange(type);
      for (const sc of SHAPES) {
        const l = quantLayout(sc.shape, sc.axis, sc.block);
        const count = sc.shape.reduce((p, d) => p * d, 1);
        const r = rng(seed++);
        const { scale, zp } = randomParams(seed++, type, l);
        const q = Array.from({ length: count }, (_, j) => (j % 4 === 0 ? lo : j % 4 === 1 ? hi : r.int(lo, hi)));
        for (const withZp of [true, false]) {
          const got = dequantizeLinear(k, toArray(type, q), scale, withZp ? toArray(type, zp) : null, type, l);
          const want = referenceDequantizeLinear(q, scale, withZp ? zp : null, l);
          expect(Array.from(got)).toEqual(Array.from(want));
        }
      }
    }
  });

  it('int32 input (bias dequantization), per tensor and per axis', () => {
    const q = Int32Array.from([-2147483648, -5, 0, 7, 2147483647, 123456789]);
    const l = quantLayout([2, 3], 1);
    const scale = Float32Array.from([0.5, 1e-3, 3]);
    expect(Array.from(dequantizeLinear(k, q, scale, null, 'i32', l))).toEqual(Array.from(referenceDequantizeLinear(q, scale, null, l)));
  });
});

describe('DynamicQuantizeLinear against the TypeScript reference', () => {
  it('random tensors of odd sizes, all-positive, all-negative and all-zero inputs', () => {
    const r = rng(7);
    const inputs: Float32Array[] = [
      Float32Array.from({ length: 1 }, () => 3),
      Float32Array.from({ length: 37 }, () => (r.float() - 0.3) * 10),
      Float32Array.from({ length: 64 }, () => r.float() * 5),
      Float32Array.from({ length: 15 }, () => -r.float() * 5),
      new Float32Array(9),
    ];
    for (const x of inputs) {
      const got = dynamicQuantizeLinear(k, x);
      const want = referenceDynamicQuantizeLinear(x);
      expect(got.scale).toBe(want.scale);
      expect(got.zeroPoint).toBe(want.zeroPoint);
      expect(Array.from(got.y)).toEqual(Array.from(want.y));
    }
  });

  it('split across two threads (range scan and quantization), the same bytes', async () => {
    const two = await loadKernels({ threads: 2 });
    const symbols: string[] = [];
    const runChunks = two.pool!.runChunks!.bind(two.pool!);
    two.pool!.runChunks = (symbol, chunks, options) => {
      symbols.push(symbol);
      runChunks(symbol, chunks, options);
    };
    try {
      const r = rng(8);
      for (const n of [1 << 18, (1 << 18) + 13]) {
        const x = Float32Array.from({ length: n }, () => (r.float() - 0.4) * 7);
        const got = dynamicQuantizeLinear(two, x);
        const want = referenceDynamicQuantizeLinear(x);
        expect(got.scale).toBe(want.scale);
        expect(got.zeroPoint).toBe(want.zeroPoint);
        expect(Array.from(got.y)).toEqual(Array.from(want.y));
      }
      expect(symbols).toContain('f32_range_wasmsimd');
      expect(symbols).toContain('f32_quantize_linear_wasmsimd');
    } finally {
      await two.dispose();
    }
  });
});
