// com.microsoft QLinearConcat: inputs (Y_scale, Y_zero_point, then X, X_scale, X_zero_point per
// tensor); each input is requantized to Y's parameters through a lookup table (copied as is when
// its parameters equal Y's). Also ai.octet QLinearConcat (fused DQ… → Concat → Q).

import type { OpConfig } from '../../op-registry.js';
import { normalizeAxis } from '../../shape-utils.js';
import { sizeOf } from '../../tensor.js';
import { buildLookupTable } from './qlinear-lookup.js';
import { scalarParam } from './quant-params.js';

export const qLinearConcatConfig: OpConfig = {
  opType: 'QLinearConcat',
  domain: 'com.microsoft',
  minOpset: 1,
  maxOpset: 1,
  prepare(ctx) {
    const n = (ctx.inputCount - 2) / 3;
    if (!Number.isInteger(n) || n < 1) ctx.fail(`expected 2 + 3·k inputs, got ${ctx.inputCount}`);
    const sy = scalarParam(ctx, 0, 'Y_scale');
    const zyMeta = ctx.input(1);
    const zy = scalarParam(ctx, 1, 'Y_zero_point');
    const dtype = zyMeta.dtype;
    if (dtype !== 'uint8' && dtype !== 'int8') ctx.fail(`Y_zero_point must be uint8 or int8, got ${dtype}`);
    const signed = dtype === 'int8';
    const first = ctx.input(2);
    const r = first.dims.length;
    const axis = normalizeAxis(ctx.attrs.int('axis'), r);
    const outer = sizeOf(first.dims.slice(0, axis));
    const inner = sizeOf(first.dims.slice(axis + 1));
    const dims = [...first.dims];
    dims[axis] = 0;
    const chunks: number[] = [];
    const tables: (Uint8Array | undefined)[] = [];
    for (let t = 0; t < n; t++) {
      const m = ctx.input(2 + 3 * t);
      if (m.dtype !== dtype) ctx.fail(`input ${t} is ${m.dtype}, Y is ${dtype}`);
      if (m.dims.length !== r || m.dims.some((d, i) => i !== axis && d !== first.dims[i])) ctx.fail(`input ${t} shape [${m.dims.join(', ')}] does not match`);
      dims[axis] += m.dims[axis];
      chunks.push(m.dims[axis] * inner);
      const sx = scalarParam(ctx, 3 + 3 * t, `X_scale ${t}`);
      const zx = scalarParam(ctx, 4 + 3 * t, `X_zero_point ${t}`);
      tables.push(sx === sy && zx === zy ? undefined : buildLookupTable(signed, sx, zx, sy, zy, (v) => v));
    }
    const rowLen = dims[axis] * inner;
    return {
      outputs: [{ dtype, dims }],
      run(inputs, outputs) {
        const y = outputs[0].data;
        let col = 0;
        for (let t = 0; t < n; t++) {
          const x = inputs[2 + 3 * t].data as Uint8Array;
          const len = chunks[t];
          const table = tables[t];
          for (let o = 0; o < outer; o++) {
            const src = o * len;
            const dst = o * rowLen + col;
            if (!table) for (let i = 0; i < len; i++) y[dst + i] = x[src + i];
            else if (signed) for (let i = 0; i < len; i++) y[dst + i] = (table[x[src + i] & 0xff] << 24) >> 24;
            else for (let i = 0; i < len; i++) y[dst + i] = table[x[src + i]];
          }
          col += len;
        }
      },
    };
  },
};
