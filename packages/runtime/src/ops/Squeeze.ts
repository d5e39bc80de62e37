import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { normalizeAxis } from '../shape-utils.js';
import { toNumbers } from '../tensor.js';
import { copyIfDistinct } from './copy.js';

export const squeezeConfig: OpConfig = {
  opType: 'Squeeze',
  domain: '',
  minOpset: 1,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const x = ctx.input(0);
    const r = x.dims.length;
    const raw = ctx.opset >= 13 ? (ctx.hasInput(1) ? toNumbers(ctx.value(1)) : undefined) : ctx.attrs.has('axes') ? [...ctx.attrs.ints('axes')] : undefined;
    const axes = raw ? raw.map((a) => normalizeAxis(a, r)) : x.dims.flatMap((d, i) => (d === 1 ? [i] : []));
    for (const a of axes) if (x.dims[a] !== 1) ctx.fail(`cannot squeeze axis ${a} of size ${x.dims[a]}`);
    const dims = x.dims.filter((_, i) => !axes.includes(i));
    return { outputs: [{ dtype: x.dtype, dims }], aliases: [0], run: (i, o) => copyIfDistinct(i[0], o[0]) };
  },
};
