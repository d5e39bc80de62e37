import type { ModelProto } from 'onnx-buf';
import { GraphIndex, attrFloat, attrInt } from '../model/graph.js';
import { dimsOf, floatTensor, toFloat32 } from '../model/tensors.js';
import type { Pass, PassContext } from './pipeline.js';

/**
 * Conv/ConvTranspose followed by BatchNormalization (inference form) → one Conv with scaled
 * weights and a float bias. The new bias is a plain float initializer so later bias quantization
 * sees one consistent type (ONNX Runtime can leave a mismatched bias here).
 */
export const foldBatchNorm: Pass = {
  name: 'fold-batch-norm',
  run(model: ModelProto, ctx: PassContext) {
    const g = model.graph!;
    let idx = new GraphIndex(g);
    let folded = 0;
    for (const bn of [...g.node]) {
      if (bn.opType !== 'BatchNormalization' || bn.output.length > 1 && bn.output.slice(1).some((o) => o)) continue;
      const conv = idx.producer.get(bn.input[0]);
      if (!conv || (conv.opType !== 'Conv' && conv.opType !== 'ConvTranspose')) continue;
      if (idx.consumersOf(conv.output[0]).length !== 1 || idx.graphOutputs.has(conv.output[0])) continue;
      if (attrInt(bn, 'training_mode', 0)) continue;
      const [scaleT, biasT, meanT, varT] = bn.input.slice(1).map((n) => idx.constant(n));
      const wT = idx.constant(conv.input[1]);
      if (!scaleT || !biasT || !meanT || !varT || !wT) continue;
      const group = attrInt(conv, 'group', 1);
      if (conv.opType === 'ConvTranspose' && group !== 1) continue;
      const eps = attrFloat(bn, 'epsilon', 1e-5);
      const gamma = toFloat32(scaleT, ctx.external);
      const beta = toFloat32(biasT, ctx.external);
      const mean = toFloat32(meanT, ctx.external);
      const variance = toFloat32(varT, ctx.external);
      const dims = dimsOf(wT);
      const w = toFloat32(wT, ctx.external);
      const cout = conv.opType === 'Conv' ? dims[0] : dims[1];
      if (gamma.length !== cout) continue;
      const bOld = conv.input[2] ? idx.constant(conv.input[2]) : undefined;
      if (conv.input[2] && !bOld) continue;
      const b = bOld ? toFloat32(bOld, ctx.external) : new Float32Array(cout);
      const factor = new Float64Array(cout);
      for (let c = 0; c < cout; c++) factor[c] = gamma[c] / Math.sqrt(variance[c] + eps);
      const nw = new Float32Array(w.length);
      if (conv.opType === 'Conv') {
        const per = w.length / cout;
        for (let c = 0; c < cout; c++) for (let i = 0; i < per; i++) nw[c * per + i] = w[c * per + i] * factor[c];
      } else {
        const cin = dims[0];
        const per = w.length / (cin * cout);
        for (let i = 0; i < cin; i++)
          for (let c = 0; c < cout; c++) for (let k = 0; k < per; k++) nw[(i * cout + c) * per + k] = w[(i * cout + c) * per + k] * factor[c];
      }
      const nb = new Float32Array(cout);
      for (let c = 0; c < cout; c++) nb[c] = (b[c] - mean[c]) * factor[c] + beta[c];
      const wName = idx.addInitializer(floatTensor(idx.unique(`${conv.input[1]}_bn_folded`), dims, nw));
      const bName = idx.addInitializer(floatTensor(idx.unique(`${conv.output[0]}_bn_bias`), [cout], nb));
      conv.input[1] = wName;
      if (conv.input.length > 2) conv.input[2] = bName;
      else conv.input.push(bName);
      conv.output[0] = bn.output[0];
      g.node.splice(g.node.indexOf(bn), 1);
      folded++;
      idx = new GraphIndex(g);
    }
    return { model, changed: folded > 0, detail: `${folded} BatchNormalization folded` };
  },
};
