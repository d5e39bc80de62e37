// ai.octet QLinearLookupTable on its own: Y = Table[X] with one [256] table or [N, 256] per-column
// tables, on the WASM kernels and without, against a plain per-byte lookup — on shapes that cross
// the kernel's 128-column blocks and 16-byte steps, one row, and a last axis of 1 broadcast to N.
import { loadKernels, type Kernels } from '@octet/kernels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng, runGraph, t, type GraphSpec } from './op-harness.js';

let kernels: Kernels;
beforeAll(async () => {
  kernels = await loadKernels({ variant: 'simd' });
});
afterAll(async () => {
  await kernels.dispose();
});

type Byte = 'uint8' | 'int8';

function tableGraph(dtype: Byte, xDims: number[], tableDims: number[], seed: number): { spec: GraphSpec; x: Uint8Array; table: Uint8Array } {
  const r = rng(seed);
  const [lo, hi] = dtype === 'int8' ? [-128, 127] : [0, 255];
  const x = t(dtype, xDims, r.ints(xDims.reduce((a, d) => a * d, 1), lo, hi));
  const table = t(dtype, tableDims, r.ints(tableDims.reduce((a, d) => a * d, 1), lo, hi));
  const spec: GraphSpec = {
    nodes: [{ op: 'QLinearLookupTable', domain: 'ai.octet', inputs: ['x', 'table'], outputs: ['y'] }],
    feeds: { x },
    consts: { table },
    outputs: ['y'],
  };
  const u8 = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return { spec, x: u8(x.data), table: u8(table.data) };
}

/** Output bytes (int8 read through its bit pattern). */
const outBytes = (o: ReturnType<typeof runGraph>) => {
  const d = o.y.data as Uint8Array | Int8Array;
  return Array.from(new Uint8Array(d.buffer, d.byteOffset, d.length));
};

describe('QLinearLookupTable', () => {
  const cases: [string, Byte, number[], number[], (x: Uint8Array, table: Uint8Array, N: number) => number[]][] = [];
  const perColumn = (x: Uint8Array, table: Uint8Array, N: number) => Array.from(x, (v, i) => table[(i % N) * 256 + v]);
  const whole = (x: Uint8Array, table: Uint8Array) => Array.from(x, (v) => table[v]);
  // [rows…, N] with N < one block, N = a block + a tail that is not a 16-byte step, several blocks, one row
  for (const [dtype, dims] of [['uint8', [3, 5, 37]], ['int8', [2, 300]], ['uint8', [1, 1536]], ['int8', [1, 1, 129]], ['uint8', [4, 384]]] as [Byte, number[]][]) {
    cases.push([`per-column ${dtype} [${dims}]`, dtype, dims, [dims[dims.length - 1], 256], perColumn]);
  }
  for (const [dtype, dims] of [['uint8', [7, 301]], ['int8', [1, 17]]] as [Byte, number[]][]) {
    cases.push([`one table ${dtype} [${dims}]`, dtype, dims, [256], whole]);
  }
  for (const [name, dtype, xDims, tableDims, reference] of cases) {
    it(`${name}: the kernel and the TypeScript path equal a per-byte lookup`, () => {
      const { spec, x, table } = tableGraph(dtype, xDims, tableDims, xDims.reduce((a, d) => a * d, 1));
      const want = reference(x, table, xDims[xDims.length - 1]);
      const withKernels = runGraph(spec, { kernels });
      expect(withKernels.y.dims).toEqual(xDims);
      expect(outBytes(withKernels)).toEqual(want);
      expect(outBytes(runGraph(spec))).toEqual(want);
    });
  }

  it('an X whose last axis is 1 is broadcast to the tables\' N columns', () => {
    const N = 300;
    const { spec, x, table } = tableGraph('uint8', [2, 3, 1], [N, 256], 41);
    const want = Array.from({ length: 6 * N }, (_, i) => table[(i % N) * 256 + x[Math.floor(i / N)]]);
    for (const out of [runGraph(spec, { kernels }), runGraph(spec)]) {
      expect(out.y.dims).toEqual([2, 3, N]);
      expect(outBytes(out)).toEqual(want);
    }
  });
});
