// Conv (constant float weights) → Relu | Clip(constant bounds) becomes one com.microsoft
// FusedConv, so the activation is applied in the convolution's store instead of another pass.
// Runs after the QDQ patterns: a Conv they fused is no longer a float Conv.

import type { GraphNode } from '../graph.js';
import type { GraphPattern, PatternContext } from '../op-registry.js';

function clipBounds(clip: GraphNode, ctx: PatternContext, opset: number): [number, number] | undefined {
  if (opset < 11) {
    const min = clip.attributes.get('min');
    const max = clip.attributes.get('max');
    return [min?.kind === 'float' ? min.value : -Infinity, max?.kind === 'float' ? max.value : Infinity];
  }
  const scalar = (i: number, fallback: number): number | undefined => {
    const name = clip.inputs[i];
    if (!name) return fallback;
    const t = ctx.initializer(name) ?? constantNodeValue(ctx.producer(name));
    if (!t || t.dtype !== 'float32' || t.data.length !== 1) return undefined;
    return t.data[0] as number;
  };
  const lo = scalar(1, -Infinity);
  const hi = scalar(2, Infinity);
  return lo === undefined || hi === undefined ? undefined : [lo, hi];
}

function constantNodeValue(n: GraphNode | undefined) {
  if (!n || n.opType !== 'Constant' || n.domain !== '') return undefined;
  const v = n.attributes.get('value');
  return v?.kind === 'tensor' ? v.value : undefined;
}

export const fuseConvActivationPattern: GraphPattern = {
  name: 'fuse-conv-activation',
  apply(graph, ctx) {
    const opset = graph.opsets.get('') ?? 1;
    for (const conv of [...graph.nodes]) {
      if (conv.opType !== 'Conv' || conv.domain !== '' || conv.outputs.length !== 1) continue;
      const w = ctx.initializer(conv.inputs[1]);
      if (!w || w.dtype !== 'float32') continue;
      const out = conv.outputs[0];
      if (ctx.isGraphOutput(out)) continue;
      const users = ctx.consumers(out);
      if (users.length !== 1) continue;
      const act = users[0];
      if (act.domain !== '' || act.inputs[0] !== out) continue;
      let attrs: [string, number[] | undefined] | undefined;
      if (act.opType === 'Relu') attrs = ['Relu', undefined];
      else if (act.opType === 'Clip') {
        const b = clipBounds(act, ctx, opset);
        if (b && b[0] <= b[1]) attrs = ['Clip', b];
      }
      if (!attrs) continue;
      conv.opType = 'FusedConv';
      conv.domain = 'com.microsoft';
      conv.attributes.set('activation', { kind: 'string', value: attrs[0] });
      if (attrs[1]) conv.attributes.set('activation_params', { kind: 'floats', value: attrs[1] });
      conv.outputs = [...act.outputs];
      graph.nodes.splice(graph.nodes.indexOf(act), 1);
    }
  },
};
