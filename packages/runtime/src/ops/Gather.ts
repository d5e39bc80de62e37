import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { OpError } from '../errors.js';
import { normalizeAxis } from '../shape-utils.js';
import { bytesPerElement, sizeOf } from '../tensor.js';
import { copyWords, wordsOf, wordsOf32, wordsPerElement, type Words } from './words.js';

export const gatherConfig: OpConfig = {
  opType: 'Gather',
  domain: '',
  minOpset: 1,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const x = ctx.input(0);
    const idx = ctx.input(1);
    if (idx.dtype !== 'int64' && idx.dtype !== 'int32') ctx.fail(`indices must be int32 or int64, got ${idx.dtype}`);
    const r = x.dims.length;
    const axis = normalizeAxis(ctx.attrs.int('axis', 0), r);
    const d = x.dims[axis];
    const outer = sizeOf(x.dims.slice(0, axis));
    const inner = sizeOf(x.dims.slice(axis + 1));
    const n = sizeOf(idx.dims);
    const dims = [...x.dims.slice(0, axis), ...idx.dims, ...x.dims.slice(axis + 1)];
    const node = ctx.node.name;
    const bpe = bytesPerElement(x.dtype);
    const w = wordsPerElement(bpe);
    const rowBytes = inner * bpe;
    // rows of whole 32-bit words (e.g. a u8 embedding table with 128 columns) copy as words
    const wideRows = rowBytes % 4 === 0 && bpe < 4;
    return {
      outputs: [{ dtype: x.dtype, dims }],
      run(inputs, outputs) {
        let a: Words | null = wideRows ? wordsOf32(inputs[0].data) : null;
        let o: Words | null = a ? wordsOf32(outputs[0].data) : null;
        let innerW = rowBytes / 4;
        if (!a || !o) {
          a = wordsOf(inputs[0].data);
          o = wordsOf(outputs[0].data);
          innerW = inner * w;
        }
        const ind = inputs[1].data;
        for (let i = 0; i < n; i++) {
          let k = Number(ind[i]);
          if (k < 0) k += d;
          if (k < 0 || k >= d) throw new OpError(`index ${Number(ind[i])} out of range [-${d}, ${d - 1}] in ${node}`);
          for (let q = 0; q < outer; q++) copyWords(a, (q * d + k) * innerW, o, (q * n + i) * innerW, innerW);
        }
      },
    };
  },
};
