// Gemm (float) → Relu becomes one com.microsoft FusedGemm (activation Relu), the clamp applied in
// the GEMM's store (MLP layers, classifier heads). Runs after the quantized patterns.

import type { GraphPattern } from '../op-registry.js';

export const fuseGemmReluPattern: GraphPattern = {
  name: 'fuse-gemm-relu',
  apply(graph, ctx) {
    for (const gemm of [...graph.nodes]) {
      if (gemm.opType !== 'Gemm' || gemm.domain !== '' || gemm.outputs.length !== 1) continue;
      const w = ctx.initializer(gemm.inputs[1]);
      if (!w || w.dtype !== 'float32') continue;
      const out = gemm.outputs[0];
      if (ctx.isGraphOutput(out)) continue;
      const users = ctx.consumers(out);
      if (users.length !== 1 || users[0].opType !== 'Relu' || users[0].domain !== '') continue;
      const relu = users[0];
      gemm.opType = 'FusedGemm';
      gemm.domain = 'com.microsoft';
      gemm.attributes.set('activation', { kind: 'string', value: 'Relu' });
      gemm.outputs = [...relu.outputs];
      graph.nodes.splice(graph.nodes.indexOf(relu), 1);
    }
  },
};
