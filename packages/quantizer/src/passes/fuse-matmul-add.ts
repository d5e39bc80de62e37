import type { ModelProto } from 'onnx-buf';
import { GraphIndex, makeNode } from '../model/graph.js';
import { dimsOf } from '../model/tensors.js';
import type { Pass, PassContext } from './pipeline.js';
import { rankOf } from './rank-facts.js';

/** MatMul(A[M,K], W[K,N] constant) + Add(bias[N] constant) → Gemm, only when A is known to be 2-D. */
export const fuseMatMulAdd: Pass = {
  name: 'fuse-matmul-add',
  run(model: ModelProto, ctx: PassContext) {
    const g = model.graph!;
    let idx = new GraphIndex(g);
    let fused = 0;
    for (const mm of [...g.node]) {
      if (mm.opType !== 'MatMul' || (mm.domain && mm.domain !== 'ai.onnx')) continue;
      const w = idx.constant(mm.input[1]);
      if (!w || dimsOf(w).length !== 2) continue;
      const consumers = idx.consumersOf(mm.output[0]);
      if (consumers.length !== 1 || idx.graphOutputs.has(mm.output[0])) continue;
      const add = consumers[0];
      if (add.opType !== 'Add') continue;
      const biasName = add.input[0] === mm.output[0] ? add.input[1] : add.input[0];
      const bias = idx.constant(biasName);
      if (!bias || dimsOf(bias).length !== 1 || dimsOf(bias)[0] !== dimsOf(w)[1]) continue;
      const rank = ctx.shapes?.get(mm.input[0])?.rank ?? rankOf(g, mm.input[0], idx);
      if (rank !== 2) continue;
      const gemm = makeNode('Gemm', [mm.input[0], mm.input[1], biasName], [add.output[0]], {}, mm.name || add.name);
      g.node[g.node.indexOf(mm)] = gemm;
      g.node.splice(g.node.indexOf(add), 1);
      fused++;
      idx = new GraphIndex(g);
    }
    return { model, changed: fused > 0, detail: `${fused} MatMul+Add → Gemm` };
  },
};
