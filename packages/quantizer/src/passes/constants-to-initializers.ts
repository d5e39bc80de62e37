import { create } from '@bufbuild/protobuf';
import { TensorProtoSchema, type ModelProto } from 'onnx-buf';
import { getAttr } from '../model/graph.js';
import type { Pass } from './pipeline.js';

/** Constant nodes (value / value_float(s) / value_int(s)) become initializers, as ORT's pre-processing does. */
export const constantsToInitializers: Pass = {
  name: 'constants-to-initializers',
  run(model: ModelProto) {
    const g = model.graph!;
    let changed = 0;
    g.node = g.node.filter((n) => {
      if (n.opType !== 'Constant' || (n.domain && n.domain !== 'ai.onnx')) return true;
      const out = n.output[0];
      let t = getAttr(n, 'value')?.t;
      if (t) t = create(TensorProtoSchema, { ...t, name: out });
      else {
        const vf = getAttr(n, 'value_float');
        const vfs = getAttr(n, 'value_floats');
        const vi = getAttr(n, 'value_int');
        const vis = getAttr(n, 'value_ints');
        if (vf) t = create(TensorProtoSchema, { name: out, dataType: 1, dims: [], floatData: [vf.f] });
        else if (vfs) t = create(TensorProtoSchema, { name: out, dataType: 1, dims: [BigInt(vfs.floats.length)], floatData: vfs.floats });
        else if (vi) t = create(TensorProtoSchema, { name: out, dataType: 7, dims: [], int64Data: [vi.i] });
        else if (vis) t = create(TensorProtoSchema, { name: out, dataType: 7, dims: [BigInt(vis.ints.length)], int64Data: vis.ints });
      }
      if (!t) return true;
      g.initializer.push(t);
      changed++;
      return false;
    });
    return { model, changed: changed > 0, detail: `${changed} Constant nodes` };
  },
};
