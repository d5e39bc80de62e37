import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { normalizeAxis } from '../shape-utils.js';
import { requireEqual, requireIntegers } from '../shape-checks.js';
import { bytesPerElement, sizeOf, toNumbers } from '../tensor.js';
import { copyWords, wordsOf, wordsPerElement } from './words.js';

export const splitConfig: OpConfig = {
  opType: 'Split',
  domain: '',
  minOpset: 2,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const x = ctx.input(0);
    const r = x.dims.length;
    const axis = normalizeAxis(ctx.attrs.int('axis', 0), r);
    const n = ctx.node.outputs.length;
    const d = x.dims[axis];
    let split: number[];
    if (ctx.opset >= 13 && ctx.hasInput(1)) split = toNumbers(ctx.value(1));
    else if (ctx.opset < 13 && ctx.attrs.has('split')) split = [...ctx.attrs.ints('split')];
    else if (ctx.opset >= 18 && ctx.attrs.has('num_outputs')) {
      const k = ctx.attrs.int('num_outputs');
      requireEqual(ctx, 'num_outputs', k, n, 'the number of outputs');
      const chunk = Math.ceil(d / k);
      split = Array.from({ length: k }, (_, i) => Math.max(0, Math.min(chunk, d - i * chunk)));
    } else {
      if (d % n !== 0) ctx.fail(`axis ${axis} of size ${d} does not split evenly into ${n} outputs`);
      split = new Array<number>(n).fill(d / n);
    }
    if (split.length !== n) ctx.fail(`split has ${split.length} parts for ${n} outputs`);
    requireIntegers(ctx, { split }, { min: 0 });
    if (split.reduce((s, v) => s + v, 0) !== d) ctx.fail(`split [${split.join(', ')}] does not sum to ${d}`);
    const outer = sizeOf(x.dims.slice(0, axis));
    const w = wordsPerElement(bytesPerElement(x.dtype));
    const inner = sizeOf(x.dims.slice(axis + 1)) * w;
    return {
      outputs: split.map((s) => ({ dtype: x.dtype, dims: x.dims.map((v, i) => (i === axis ? s : v)) })),
      run(inputs, outputs) {
        const a = wordsOf(inputs[0].data);
        let off = 0;
        for (let k = 0; k < n; k++) {
          const c = split[k] * inner;
          if (!outputs[k]) {
            off += c;
            continue;
          }
          const o = wordsOf(outputs[k].data);
          for (let q = 0; q < outer; q++) copyWords(a, q * d * inner + off, o, q * c, c);
          off += c;
        }
      },
    };
  },
};
