// ConvInteger → Cast(to float) — how ONNX Runtime's dynamic quantizer writes a convolution (then
// Mul by x_scale·w_scale and Add the bias) — becomes one ai.octet ConvIntegerToFloat, so the int32
// tensor and the Cast pass never exist.

import type { GraphPattern } from '../op-registry.js';
import { GraphIndex } from './qdq-graph.js';

export const fuseConvIntegerCastPattern: GraphPattern = {
  name: 'fuse-conv-integer-cast',
  apply(graph) {
    const ix = new GraphIndex(graph);
    const gone = new Set<unknown>();
    const replaced = new Map<unknown, (typeof graph.nodes)[number]>();
    for (const conv of graph.nodes) {
      if (conv.opType !== 'ConvInteger' || conv.domain !== '' || conv.outputs.length !== 1) continue;
      const cast = ix.soleConsumer(conv.outputs[0]);
      const to = cast?.attributes.get('to');
      if (!cast || cast.opType !== 'Cast' || cast.domain !== '' || to?.kind !== 'int' || to.value !== 1) continue;
      gone.add(cast);
      replaced.set(conv, { ...conv, opType: 'ConvIntegerToFloat', domain: 'ai.octet', outputs: [cast.outputs[0]] });
    }
    if (replaced.size === 0) return;
    graph.nodes = graph.nodes.filter((n) => !gone.has(n)).map((n) => replaced.get(n) ?? n);
  },
};
