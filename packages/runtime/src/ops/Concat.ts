import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { normalizeAxis } from '../shape-utils.js';
import { bytesPerElement, sizeOf } from '../tensor.js';
import { copyWords, wordsOf, wordsPerElement } from './words.js';

export const concatConfig: OpConfig = {
  opType: 'Concat',
  domain: '',
  minOpset: 4,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const present: number[] = [];
    for (let i = 0; i < ctx.inputCount; i++) if (ctx.hasInput(i)) present.push(i);
    const first = ctx.input(present[0]);
    const r = first.dims.length;
    if (r === 0) ctx.fail('inputs are scalars: Concat needs rank ≥ 1');
    const axis = normalizeAxis(ctx.attrs.int('axis'), r);
    const dims = [...first.dims];
    dims[axis] = 0;
    const chunks: number[] = [];
    for (const i of present) {
      const t = ctx.input(i);
      if (t.dtype !== first.dtype) ctx.fail(`input ${i} is ${t.dtype}, input ${present[0]} is ${first.dtype}`);
      if (t.dims.length !== r || t.dims.some((d, k) => k !== axis && d !== first.dims[k])) {
        ctx.fail(`input ${i} has shape [${t.dims.join(', ')}], incompatible with [${first.dims.join(', ')}] on axis ${axis}`);
      }
      dims[axis] += t.dims[axis];
      chunks.push(sizeOf(t.dims.slice(axis)));
    }
    const outer = sizeOf(first.dims.slice(0, axis));
    const w = wordsPerElement(bytesPerElement(first.dtype));
    const outChunk = sizeOf(dims.slice(axis)) * w;
    for (let p = 0; p < chunks.length; p++) chunks[p] *= w;
    return {
      outputs: [{ dtype: first.dtype, dims }],
      run(inputs, outputs) {
        const o = wordsOf(outputs[0].data);
        let off = 0;
        for (let p = 0; p < present.length; p++) {
          const a = wordsOf(inputs[present[p]].data);
          const c = chunks[p];
          if (c === 0) continue;
          for (let k = 0; k < outer; k++) copyWords(a, k * c, o, k * outChunk + off, c);
          off += c;
        }
      },
    };
  },
};
