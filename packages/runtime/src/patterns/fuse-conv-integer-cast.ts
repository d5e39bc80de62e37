// ConvInteger → Cast(to float) — how ONNX Runtime's dynamic quantizer writes a convolution (then
// Mul by x_scale·w_scale and Add the bias) — becomes one ai.octet ConvIntegerToFloat, so the int32
// tensor and the Cast pass never exist. The Mul by the scale product (a run-time scalar: the
// DynamicQuantizeLinear scale times a one-value weight scale) joins the epilogue as input 4, and
// the Add of a constant per-channel bias (Reshape of an [M] initializer to [M, 1, …]) as input 5: f32(f32(f32(acc)·s) + b) either way, so the Mul and Add passes over the
// output go too.

import type { GraphNode } from '../graph.js';
import type { GraphPattern } from '../op-registry.js';
import { GraphIndex } from './qdq-graph.js';

const other = (node: GraphNode, value: string) => (node.inputs[0] === value ? node.inputs[1] : node.inputs[0]);

/** The scale product's name when `mul` multiplies `value` by DynamicQuantizeLinear's scale × a one-value initializer. */
function scalarScale(ix: GraphIndex, mul: GraphNode | undefined, value: string): string | undefined {
  if (!mul || mul.opType !== 'Mul' || mul.domain !== '' || mul.inputs.length !== 2) return undefined;
  const s = other(mul, value);
  if (s === value) return undefined;
  const product = ix.producer(s);
  if (!product || product.opType !== 'Mul' || product.domain !== '' || product.inputs.length !== 2) return undefined;
  const isScalar = (v: string) => {
    const init = ix.initializer(v);
    if (init) return init.dtype === 'float32' && init.data.length === 1;
    const dql = ix.producer(v);
    return !!dql && dql.opType === 'DynamicQuantizeLinear' && dql.domain === '' && dql.outputs[1] === v;
  };
  return isScalar(product.inputs[0]) && isScalar(product.inputs[1]) ? s : undefined;
}

/** The [M] float bias initializer when `add` adds a Reshape of it to [1…, M, 1…] (channel axis at −(spatial + 1)). */
function channelBias(ix: GraphIndex, add: GraphNode | undefined, value: string, M: number, spatial: number): { bias: string; reshape: GraphNode } | undefined {
  if (!add || add.opType !== 'Add' || add.domain !== '' || add.inputs.length !== 2) return undefined;
  const b = other(add, value);
  if (b === value) return undefined;
  const reshape = ix.producer(b);
  if (!reshape || reshape.opType !== 'Reshape' || reshape.domain !== '') return undefined;
  const data = ix.initializer(reshape.inputs[0]);
  const shape = ix.initializer(reshape.inputs[1]);
  if (!data || data.dtype !== 'float32' || data.data.length !== M || !shape) return undefined;
  const dims = Array.from(shape.data as ArrayLike<number | bigint>, Number);
  const c = dims.length - 1 - spatial;
  if (c < 0 || dims[c] !== M || dims.some((d, i) => i !== c && d !== 1)) return undefined;
  return { bias: reshape.inputs[0], reshape };
}

export const fuseConvIntegerCastPattern: GraphPattern = {
  name: 'fuse-conv-integer-cast',
  apply(graph) {
    const ix = new GraphIndex(graph);
    const gone = new Set<unknown>();
    const replaced = new Map<unknown, GraphNode>();
    const reshapes = new Set<GraphNode>();
    for (const conv of graph.nodes) {
      if (conv.opType !== 'ConvInteger' || conv.domain !== '' || conv.outputs.length !== 1) continue;
      const cast = ix.soleConsumer(conv.outputs[0]);
      const to = cast?.attributes.get('to');
      if (!cast || cast.opType !== 'Cast' || cast.domain !== '' || to?.kind !== 'int' || to.value !== 1) continue;
      gone.add(cast);
      const [x, w, xzp = '', wzp = ''] = conv.inputs;
      let out = cast.outputs[0];
      let inputs = [x, w, xzp, wzp];
      const mul = ix.soleConsumer(out);
      const scale = ix.isGraphOutput(out) ? undefined : scalarScale(ix, mul, out);
      if (scale) {
        gone.add(mul);
        out = mul!.outputs[0];
        inputs = [...inputs, scale];
        const wt = ix.initializer(w);
        const add = ix.isGraphOutput(out) ? undefined : ix.soleConsumer(out);
        const bias = wt ? channelBias(ix, add, out, wt.dims[0], wt.dims.length - 2) : undefined;
        if (bias) {
          gone.add(add);
          reshapes.add(bias.reshape);
          out = add!.outputs[0];
          inputs = [...inputs, bias.bias];
        }
      }
      replaced.set(conv, { ...conv, opType: 'ConvIntegerToFloat', domain: 'ai.octet', inputs, outputs: [out] });
    }
    if (replaced.size === 0) return;
    graph.nodes = graph.nodes.filter((n) => !gone.has(n)).map((n) => replaced.get(n) ?? n);
    // bias Reshapes only the fused nodes read no more
    ix.rebuild();
    graph.nodes = graph.nodes.filter((n) => !(reshapes.has(n) && n.outputs.every((o) => ix.consumers(o).length === 0 && !ix.isGraphOutput(o))));
  },
};
