// MatMul(A, constant 2-D W) → Add(·, constant bias of N values) becomes one ai.octet MatMulAdd,
// so the bias is added in the GEMM's store (every linear layer of an exported transformer).
// Runs after the quantized patterns.

import type { GraphPattern } from '../op-registry.js';

export const fuseMatMulBiasPattern: GraphPattern = {
  name: 'fuse-matmul-bias',
  apply(graph, ctx) {
    for (const mm of [...graph.nodes]) {
      if (mm.opType !== 'MatMul' || mm.domain !== '' || mm.outputs.length !== 1) continue;
      const w = ctx.initializer(mm.inputs[1]);
      if (!w || w.dtype !== 'float32' || w.dims.length !== 2) continue;
      const out = mm.outputs[0];
      if (ctx.isGraphOutput(out)) continue;
      const users = ctx.consumers(out);
      if (users.length !== 1) continue;
      const add = users[0];
      if (add.opType !== 'Add' || add.domain !== '' || add.inputs.length !== 2) continue;
      const biasName = add.inputs[0] === out ? add.inputs[1] : add.inputs[0];
      if (biasName === out) continue;
      const bias = ctx.initializer(biasName);
      const n = w.dims[1];
      // Bias [N] or [1, …, 1, N] of rank ≤ 2: broadcasting it leaves the MatMul's shape unchanged.
      if (!bias || bias.dtype !== 'float32' || bias.data.length !== n || bias.dims.length > 2 || bias.dims[bias.dims.length - 1] !== n) continue;
      mm.opType = 'MatMulAdd';
      mm.domain = 'ai.octet';
      mm.inputs = [mm.inputs[0], mm.inputs[1], biasName];
      mm.outputs = [...add.outputs];
      graph.nodes.splice(graph.nodes.indexOf(add), 1);
    }
  },
};
