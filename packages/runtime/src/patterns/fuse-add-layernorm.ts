// A residual Add whose only reader is a LayerNormalization (post-LN transformer blocks:
// LayerNorm(x + sublayer(x))) becomes one ai.octet AddLayerNormalization: the LayerNorm kernel adds
// the two operands in its first pass, so the sum is not written and read back as a tensor of its
// own. Not when the sum is a graph output or read elsewhere, nor when the LayerNormalization's
// Mean / InvStdDev outputs are used (the fused op has Y only).

import type { GraphNode, RuntimeGraph } from '../graph.js';
import type { GraphPattern } from '../op-registry.js';
import { GraphIndex } from './qdq-graph.js';

export const fuseAddLayerNormPattern: GraphPattern = {
  name: 'fuse-add-layernorm',
  apply(graph: RuntimeGraph) {
    const ix = new GraphIndex(graph);
    for (const ln of [...graph.nodes]) {
      if (ln.opType !== 'LayerNormalization' || ln.domain !== '' || ln.outputs.slice(1).some((o) => o !== '')) continue;
      const add = ix.producer(ln.inputs[0]);
      if (!add || add.opType !== 'Add' || add.domain !== '' || add.inputs.length !== 2 || ix.soleConsumer(add.outputs[0]) !== ln) continue;
      // the consumer list counts a node once: the LayerNorm must not also read the sum as scale or bias
      if (ln.inputs.indexOf(add.outputs[0], 1) !== -1) continue;
      const fused: GraphNode = {
        name: ln.name,
        opType: 'AddLayerNormalization',
        domain: 'ai.octet',
        inputs: [add.inputs[0], add.inputs[1], ...ln.inputs.slice(1)],
        outputs: [ln.outputs[0]],
        attributes: ln.attributes,
      };
      graph.nodes.splice(graph.nodes.indexOf(ln), 1, fused);
      graph.nodes.splice(graph.nodes.indexOf(add), 1);
      ix.rebuild();
    }
  },
};
