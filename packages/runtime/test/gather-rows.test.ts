// Gather copies rows of raw element bits; rows that are a whole number of 32-bit words (a u8
// embedding table with 128 columns) go as words. Checked against a plain per-element reference
// for byte tables on both paths (whole words, odd widths), axis 0 and inner axes, negative indices.
import { describe, expect, it } from 'vitest';
import { encodeModelProto, ModelBuilder } from '@octet/onnx';
import { createSession } from '../src/index.js';
import { runGraph } from './quantized/op-harness.js';

function gatherModel(table: { dims: number[]; data: Uint8Array } | null, dims: number[], idxDims: number[], axis: number) {
  const b = new ModelBuilder({ opset: 17 });
  const t = table ? b.initializer('table', 'uint8', table.dims, Array.from(table.data)) : (b.input('table', 'uint8', dims), 'table');
  b.input('idx', 'int64', idxDims);
  const outDims = [...dims.slice(0, axis), ...idxDims, ...dims.slice(axis + 1)];
  b.output(b.op('Gather', [t, 'idx'], { axis }), 'uint8', outDims);
  return encodeModelProto(b.build().toProto());
}

function reference(data: Uint8Array, dims: number[], idx: number[], axis: number): number[] {
  const outer = dims.slice(0, axis).reduce((p, v) => p * v, 1);
  const inner = dims.slice(axis + 1).reduce((p, v) => p * v, 1);
  const d = dims[axis];
  const out: number[] = [];
  for (let q = 0; q < outer; q++) for (const i of idx) for (let j = 0; j < inner; j++) out.push(data[(q * d + (i < 0 ? i + d : i)) * inner + j]);
  return out;
}

describe('Gather of byte rows', () => {
  const cases: [string, number[], number, number[]][] = [
    ['rows of 32 words, axis 0', [9, 128], 0, [3, 0, 8, -1, 3]],
    ['rows of 3 words (12 bytes), inner axis', [2, 5, 3, 4], 1, [4, 0, -2]],
    ['odd rows (7 bytes), axis 0', [6, 7], 0, [5, 1, 1]],
    ['single bytes, last axis', [3, 5], 1, [2, 0]],
  ];
  for (const [name, dims, axis, idx] of cases) {
    it(`${name}: constant and fed tables equal the reference`, async () => {
      const n = dims.reduce((p, v) => p * v, 1);
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255);
      const want = reference(data, dims, idx, axis);
      const idxFeed = { type: 'int64' as const, dims: [idx.length], data: BigInt64Array.from(idx.map(BigInt)) };
      const constant = await createSession(gatherModel({ dims, data }, dims, [idx.length], axis));
      expect(Array.from(Object.values(await constant.run({ idx: idxFeed }))[0].data as Uint8Array)).toEqual(want);
      // a fed table, also from an odd byte offset (the session copies feeds into aligned slots)
      const fed = await createSession(gatherModel(null, dims, [idx.length], axis));
      const shifted = new Uint8Array(n + 1).subarray(1);
      shifted.set(data);
      for (const t of [data, shifted]) {
        const out = Object.values(await fed.run({ table: { type: 'uint8', dims, data: t }, idx: idxFeed }))[0];
        expect(Array.from(out.data as Uint8Array)).toEqual(want);
      }
      // an initializer is read in place: a table at an odd byte offset takes the byte-wise copy
      const odd = runGraph({
        nodes: [{ op: 'Gather', inputs: ['table', 'idx'], outputs: ['y'], attrs: { axis } }],
        feeds: { idx: { dtype: 'int64', dims: [idx.length], data: BigInt64Array.from(idx.map(BigInt)) } },
        consts: { table: { dtype: 'uint8', dims, data: shifted } },
        outputs: ['y'],
      });
      expect(Array.from(odd.y.data as Uint8Array)).toEqual(want);
    });
  }
});
