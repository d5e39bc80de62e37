import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { sizeOf, toNumbers } from '../tensor.js';
import { copyIfDistinct } from './copy.js';
import { requireIntegers } from '../shape-checks.js';

export const reshapeConfig: OpConfig = {
  opType: 'Reshape',
  domain: '',
  minOpset: 5,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const x = ctx.input(0);
    const shape = toNumbers(ctx.value(1));
    requireIntegers(ctx, { shape });
    const allowzero = ctx.opset >= 14 ? ctx.attrs.int('allowzero', 0) : 0;
    const dims = shape.map((d, i) => (d === 0 && !allowzero ? x.dims[i] : d));
    const minus = dims.filter((d) => d === -1).length;
    if (minus > 1) ctx.fail(`more than one -1 in shape [${shape.join(', ')}]`);
    if (dims.some((d) => d < -1 || d === undefined)) ctx.fail(`invalid shape [${shape.join(', ')}] for input [${x.dims.join(', ')}]`);
    const total = sizeOf(x.dims);
    if (minus === 1) {
      const known = sizeOf(dims.filter((d) => d !== -1));
      if (known === 0 || total % known !== 0) ctx.fail(`cannot reshape [${x.dims.join(', ')}] to [${shape.join(', ')}]`);
      dims[dims.indexOf(-1)] = total / known;
    }
    if (sizeOf(dims) !== total) ctx.fail(`cannot reshape [${x.dims.join(', ')}] (${total} elements) to [${shape.join(', ')}]`);
    return { outputs: [{ dtype: x.dtype, dims }], aliases: [0], run: (i, o) => copyIfDistinct(i[0], o[0]) };
  },
};
