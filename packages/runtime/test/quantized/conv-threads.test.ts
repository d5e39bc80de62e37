// The convolutional fixture on the threads build (2 threads: batches split across the pool inside
// each convolution) gives one thread's outputs bit for bit, and ONNX Runtime's within one step.
import { loadKernels, type Kernels } from '@octet/kernels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, type Tensor, type TensorValue } from '../../src/index.js';
import { loadFixture } from '../fixtures.js';
import { REFERENCE_SLICE, graphOf, loadQuantizedFixture, matchRate, outputStep } from './quantized-fixtures.js';

let one: Kernels;
let two: Kernels;
beforeAll(async () => {
  one = await loadKernels({ variant: 'simd' });
  two = await loadKernels({ threads: 2 });
});
afterAll(async () => {
  await one?.dispose();
  await two?.dispose();
});

const NAME = 'mobilenetv2_digits';

/** The first n samples of the test inputs as feeds (n odd: shares of unequal size). */
function firstSamples(inputs: readonly Tensor[], names: readonly string[], n: number): Record<string, TensorValue> {
  return Object.fromEntries(
    names.map((name, i) => {
      const t = inputs[i];
      const row = t.data.length / t.dims[0];
      return [name, { type: t.dtype, dims: [n, ...t.dims.slice(1)], data: t.data.slice(0, n * row) }];
    }),
  );
}

describe(`${NAME} with 2 threads`, () => {
  for (const variant of ['ort_qdq', 'ort_qop', 'ort_dynamic'] as const) {
    it(`${variant}: equals one thread bit for bit (batches of 64 and 7) and within one step of ORT`, async () => {
      const f = loadQuantizedFixture(NAME, variant);
      const s1 = await createSession(f.model, { kernels: one });
      const s2 = await createSession(f.model, { kernels: two });
      try {
        const ref = f.reference.data as Float32Array;
        // dynamic models: the step DynamicQuantizeLinear would choose for the reference output
        const step = outputStep(graphOf(f.model)) ?? (Math.max(0, ...ref) - Math.min(0, ...ref)) / 255;
        const row = ref.length / f.reference.dims[0];
        // ORT's reference ran in slices of REFERENCE_SLICE (dynamic quantization depends on the batch)
        for (const n of [REFERENCE_SLICE, 7]) {
          const feeds = firstSamples(f.inputs, f.inputNames, n);
          const o1 = (await s1.run(feeds))[s1.outputNames[0]].data as Float32Array;
          const o2 = (await s2.run(feeds))[s2.outputNames[0]].data as Float32Array;
          expect(Array.from(o2)).toEqual(Array.from(o1));
          if (n === REFERENCE_SLICE) expect(matchRate(o2, ref.subarray(0, n * row), step)).toBeGreaterThanOrEqual(0.999);
        }
      } finally {
        s1.dispose();
        s2.dispose();
      }
    });
  }

  it('with the worker held (a descheduled or sleeping worker), every threaded op runs on the caller: the same bytes', async () => {
    const pool = two.pool as unknown as { hold(slot: number, on: boolean): void; lastChunksRun(): readonly number[] };
    for (const variant of ['ort_qdq', 'ort_qop'] as const) {
      const f = loadQuantizedFixture(NAME, variant);
      const s1 = await createSession(f.model, { kernels: one });
      const s2 = await createSession(f.model, { kernels: two });
      try {
        const feeds = firstSamples(f.inputs, f.inputNames, 32);
        const o1 = (await s1.run(feeds))[s1.outputNames[0]].data as Float32Array;
        pool.hold(1, true);
        let held: Float32Array;
        try {
          held = (await s2.run(feeds))[s2.outputNames[0]].data as Float32Array;
          expect(pool.lastChunksRun()[1]).toBe(0);
        } finally {
          pool.hold(1, false);
        }
        expect(Array.from(held)).toEqual(Array.from(o1));
        const o2 = (await s2.run(feeds))[s2.outputNames[0]].data as Float32Array;
        expect(Array.from(o2)).toEqual(Array.from(o1));
      } finally {
        s1.dispose();
        s2.dispose();
      }
    }
  });

  it('fp32: equals one thread bit for bit (batches of 32 and 5)', async () => {
    const f = loadFixture(NAME);
    const s1 = await createSession(f.model, { kernels: one });
    const s2 = await createSession(f.model, { kernels: two });
    try {
      for (const n of [32, 5]) {
        const feeds = firstSamples(f.inputs, f.metrics.inputs, n);
        const o1 = (await s1.run(feeds))[s1.outputNames[0]].data as Float32Array;
        const o2 = (await s2.run(feeds))[s2.outputNames[0]].data as Float32Array;
        expect(o1.length).toBe(n * (f.reference.data.length / f.reference.dims[0]));
        expect(Array.from(o2)).toEqual(Array.from(o1));
      }
    } finally {
      s1.dispose();
      s2.dispose();
    }
  });
});
