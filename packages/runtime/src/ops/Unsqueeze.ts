import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { normalizeAxis } from '../shape-utils.js';
import { toNumbers } from '../tensor.js';
import { copyIfDistinct } from './copy.js';

export const unsqueezeConfig: OpConfig = {
  opType: 'Unsqueeze',
  domain: '',
  minOpset: 1,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const x = ctx.input(0);
    const raw = ctx.opset >= 13 ? toNumbers(ctx.value(1)) : [...ctx.attrs.ints('axes')];
    const r = x.dims.length + raw.length;
    const axes = raw.map((a) => normalizeAxis(a, r));
    if (new Set(axes).size !== axes.length) ctx.fail(`repeated axes [${raw.join(', ')}]`);
    const dims: number[] = [];
    let k = 0;
    for (let i = 0; i < r; i++) dims.push(axes.includes(i) ? 1 : x.dims[k++]);
    return { outputs: [{ dtype: x.dtype, dims }], aliases: [0], run: (i, o) => copyIfDistinct(i[0], o[0]) };
  },
};
