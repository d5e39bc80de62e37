// A session wakes the thread pool's workers at the start of a run only when its last run gave the
// pool jobs: woken for a run that never uses them, they would only spin on a core the caller needs.
import { loadKernels, type Kernels } from '@octet/kernels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionSync } from '../src/index.js';
import { buildGraph, t } from './quantized/op-harness.js';

let two: Kernels;
let wakes = 0;
beforeAll(async () => {
  two = await loadKernels({ threads: 2 });
  const pool = two.pool!;
  const wake = pool.wake!.bind(pool);
  pool.wake = () => {
    wakes++;
    wake();
  };
});
afterAll(async () => {
  await two?.dispose();
});

function reluRuns(n: number, runs: number): number {
  const x = t('float32', [1, n], Float32Array.from({ length: n }, (_, i) => (i % 7) - 3));
  const session = createSessionSync(buildGraph({ nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }], feeds: { x }, outputs: ['y'] }), { kernels: two });
  const before = wakes;
  try {
    for (let r = 0; r < runs; r++) {
      const y = session.runSync({ x: { type: 'float32', dims: x.dims, data: x.data } }).y.data as Float32Array;
      expect(y[0]).toBe(0);
      expect(y[6]).toBe(3);
    }
  } finally {
    session.dispose();
  }
  return wakes - before;
}

describe('session and the thread pool', () => {
  it('a model whose runs give the pool no job wakes it once (the first run), one that does wakes it every run', () => {
    expect(reluRuns(64, 4)).toBe(1);
    // 3.2 MB through ReLU: split across the pool
    expect(reluRuns(400_000, 4)).toBe(4);
  });
});
