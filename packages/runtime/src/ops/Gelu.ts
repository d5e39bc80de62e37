import { erf } from './math.js';
import { unaryElementwise } from './unary-elementwise.js';

export const geluConfig = unaryElementwise({
  opType: 'Gelu',
  minOpset: 20,
  float: (ctx) => {
    const approximate = ctx.attrs.string('approximate', 'none');
    if (approximate === 'tanh') {
      const k = Math.sqrt(2 / Math.PI);
      return (x) => 0.5 * x * (1 + Math.tanh(k * (x + 0.044715 * x * x * x)));
    }
    if (approximate !== 'none') ctx.fail(`unknown approximate='${approximate}'`);
    return (x) => 0.5 * x * (1 + erf(x / Math.SQRT2));
  },
  wasm: (ctx) => ({ op: ctx.attrs.string('approximate', 'none') === 'tanh' ? 'gelu_tanh' : 'gelu' }),
});

/** ai.octet Gelu: the fused decomposed GELU (fuse-gelu pattern) in models older than opset 20. */
export const geluFusedConfig = { ...geluConfig, domain: 'ai.octet', minOpset: 1, maxOpset: 1 };
