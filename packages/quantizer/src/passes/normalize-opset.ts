import type { ModelProto, NodeProto } from 'onnx-buf';
import { GraphIndex, attrFloat, attrInt, attrInts, attrString, getAttr, makeNode, opsetVersion, removeAttr, setOpset } from '../model/graph.js';
import { floatTensor, int64Tensor } from '../model/tensors.js';
import { QuantizerError } from '../errors.js';
import type { Pass } from './pipeline.js';

const TARGET = 13;

/**
 * Models exported at opsets 9–12 are rewritten to opset 13 (what per-channel QDQ needs): attributes
 * that became inputs move to initializers (Clip, Squeeze/Unsqueeze, Split, ReduceSum, Pad, Slice),
 * Softmax-family ops keep their old "flatten at axis" semantics through Flatten/Reshape, Dropout
 * becomes Identity, Upsample becomes Resize, BatchNormalization loses `spatial`.
 */
export const normalizeOpset: Pass = {
  name: 'normalize-opset',
  run(model: ModelProto) {
    const version = opsetVersion(model, '');
    if (version === undefined || version >= TARGET) return { model, changed: false };
    if (version < 7) throw new QuantizerError(`opset ${version} is too old to quantize (need ≥ 7)`);
    const g = model.graph!;
    const idx = new GraphIndex(g);
    const out: NodeProto[] = [];
    const constInt = (base: string, values: number[]) => idx.addInitializer(int64Tensor(idx.unique(base), [values.length], values));
    for (const n of g.node) {
      if (n.domain && n.domain !== 'ai.onnx') {
        out.push(n);
        continue;
      }
      switch (n.opType) {
        case 'Clip':
          if (version < 11) {
            const lo = attrFloat(n, 'min', -3.4028234663852886e38);
            const hi = attrFloat(n, 'max', 3.4028234663852886e38);
            const minName = idx.addInitializer(floatTensor(idx.unique(`${n.output[0]}_min`), [], Float32Array.of(lo)));
            const maxName = idx.addInitializer(floatTensor(idx.unique(`${n.output[0]}_max`), [], Float32Array.of(hi)));
            removeAttr(n, 'min');
            removeAttr(n, 'max');
            n.input = [n.input[0], minName, maxName];
          }
          out.push(n);
          break;
        case 'Squeeze':
        case 'Unsqueeze':
        case 'ReduceSum': {
          const axes = attrInts(n, 'axes');
          removeAttr(n, 'axes');
          if (axes) n.input = [n.input[0], constInt(`${n.output[0]}_axes`, axes)];
          out.push(n);
          break;
        }
        case 'Split': {
          const split = attrInts(n, 'split');
          removeAttr(n, 'split');
          if (split) n.input = [n.input[0], constInt(`${n.output[0]}_split`, split)];
          out.push(n);
          break;
        }
        case 'Pad':
          if (version < 11) {
            const pads = attrInts(n, 'pads') ?? [];
            const value = attrFloat(n, 'value', 0);
            removeAttr(n, 'pads');
            removeAttr(n, 'value');
            const v = idx.addInitializer(floatTensor(idx.unique(`${n.output[0]}_value`), [], Float32Array.of(value)));
            n.input = [n.input[0], constInt(`${n.output[0]}_pads`, pads), v];
          }
          out.push(n);
          break;
        case 'Slice':
          if (version < 10) {
            const starts = attrInts(n, 'starts') ?? [];
            const ends = attrInts(n, 'ends') ?? [];
            const axes = attrInts(n, 'axes');
            for (const a of ['starts', 'ends', 'axes']) removeAttr(n, a);
            n.input = [n.input[0], constInt(`${n.output[0]}_starts`, starts), constInt(`${n.output[0]}_ends`, ends)];
            if (axes) n.input.push(constInt(`${n.output[0]}_axes`, axes));
          }
          out.push(n);
          break;
        case 'Softmax':
        case 'LogSoftmax':
        case 'Hardmax': {
          // opset < 13: coerce to 2-D at `axis` (default 1). Keep exactly that meaning.
          const axis = attrInt(n, 'axis', 1);
          const flat = idx.unique(`${n.output[0]}_flat`);
          const soft = idx.unique(`${n.output[0]}_2d`);
          const shape = idx.unique(`${n.output[0]}_shape`);
          out.push(makeNode('Flatten', [n.input[0]], [flat], { axis }, idx.unique(`${n.name}_flatten`)));
          out.push(makeNode(n.opType, [flat], [soft], { axis: 1 }, n.name));
          out.push(makeNode('Shape', [n.input[0]], [shape], {}, idx.unique(`${n.name}_shape`)));
          out.push(makeNode('Reshape', [soft, shape], [n.output[0]], {}, idx.unique(`${n.name}_reshape`)));
          break;
        }
        case 'Dropout':
          out.push(makeNode('Identity', [n.input[0]], [n.output[0]], {}, n.name));
          break;
        case 'BatchNormalization':
          removeAttr(n, 'spatial');
          removeAttr(n, 'consumed_inputs');
          removeAttr(n, 'is_test');
          n.output = n.output.slice(0, 1);
          out.push(n);
          break;
        case 'Upsample': {
          const mode = attrString(n, 'mode') ?? 'nearest';
          let scales = n.input[1];
          if (!scales) {
            const s = getAttr(n, 'scales')?.floats ?? [];
            scales = idx.addInitializer(floatTensor(idx.unique(`${n.output[0]}_scales`), [s.length], Float32Array.from(s)));
          }
          out.push(makeNode('Resize', [n.input[0], '', scales], [n.output[0]], { mode }, n.name));
          break;
        }
        default:
          out.push(n);
      }
    }
    g.node = out;
    setOpset(model, '', TARGET);
    if (model.irVersion < 7n) model.irVersion = 7n;
    return { model, changed: true, detail: `opset ${version} → ${TARGET}` };
  },
};
