// QDQ → QOperator: every DequantizeLinear → op → QuantizeLinear group that ONNX Runtime has an
// integer operator for becomes that operator (QLinearConv, QLinearMatMul, com.microsoft QGemm,
// QLinearAdd, QLinearMul, QLinearGlobalAveragePool, QLinearAveragePool, QLinearConcat, QLinearSigmoid),
// and data-movement ops run directly on the quantized tensor. Leftover Q/DQ pairs stay valid.
import type { ModelProto, NodeProto } from 'onnx-buf';
import { GraphIndex, attrFloat, attrInt, ensureOpset, makeNode, removeUnusedInitializers, topoSort } from '../model/graph.js';

const MS = 'com.microsoft';
const MOVE_OPS = new Set(['Reshape', 'Transpose', 'Flatten', 'Squeeze', 'Unsqueeze', 'MaxPool']);

interface QIn {
  q: string;
  s: string;
  z: string;
  axis?: number;
}

export function convertQdqToQOperator(model: ModelProto): { fused: number } {
  const g = model.graph!;
  topoSort(g);
  let idx = new GraphIndex(g);
  let fused = 0;

  const dqInput = (name: string): QIn | undefined => {
    const p = idx.producer.get(name);
    if (!p || p.opType !== 'DequantizeLinear' || (p.domain && p.domain !== 'ai.onnx')) return undefined;
    const axisAttr = p.attribute.find((a) => a.name === 'axis');
    return { q: p.input[0], s: p.input[1], z: p.input[2] ?? '', axis: axisAttr ? Number(axisAttr.i) : undefined };
  };
  const isPerTensor = (x: QIn) => {
    const s = idx.inits.get(x.s);
    return !!s && s.dims.length === 0;
  };
  const qOutput = (name: string): { node: NodeProto; q: string; s: string; z: string } | undefined => {
    if (idx.graphOutputs.has(name)) return undefined;
    const c = idx.consumersOf(name).find((n) => n.opType === 'QuantizeLinear' && n.input[0] === name);
    return c ? { node: c, q: c.output[0], s: c.input[1], z: c.input[2] ?? '' } : undefined;
  };

  for (const n of [...g.node]) {
    if (n.domain && n.domain !== 'ai.onnx') continue;
    const out = n.output[0];
    let replacement: NodeProto | undefined;
    let qo = qOutput(out);
    switch (n.opType) {
      case 'Conv': {
        const x = dqInput(n.input[0]);
        const w = dqInput(n.input[1]);
        const b = n.input[2] ? dqInput(n.input[2]) : undefined;
        if (!x || !w || !qo || !isPerTensor(x) || (n.input[2] && !b)) break;
        const inputs = [x.q, x.s, x.z, w.q, w.s, w.z, qo.s, qo.z];
        if (b) inputs.push(b.q);
        replacement = makeNode('QLinearConv', inputs, [qo.q], {}, `${n.name}_quant`);
        replacement.attribute = n.attribute;
        break;
      }
      case 'MatMul': {
        const a = dqInput(n.input[0]);
        const b = dqInput(n.input[1]);
        if (!a || !b || !qo || !isPerTensor(a)) break;
        replacement = makeNode('QLinearMatMul', [a.q, a.s, a.z, b.q, b.s, b.z, qo.s, qo.z], [qo.q], {}, `${n.name}_quant`);
        break;
      }
      case 'Gemm': {
        const a = dqInput(n.input[0]);
        const b = dqInput(n.input[1]);
        const c = n.input[2] ? dqInput(n.input[2]) : undefined;
        if (!a || !b || !isPerTensor(a) || (n.input[2] && !c) || attrFloat(n, 'beta', 1) !== 1) break;
        const inputs = [a.q, a.s, a.z, b.q, b.s, b.z, c ? c.q : ''];
        const attrs = { alpha: { float: attrFloat(n, 'alpha', 1) }, transA: attrInt(n, 'transA', 0), transB: attrInt(n, 'transB', 0) };
        if (qo) {
          inputs.push(qo.s, qo.z);
          replacement = makeNode('QGemm', inputs, [qo.q], attrs, `${n.name}_quant`, MS);
        } else {
          // float output: QGemm without y_scale computes in int32 and dequantizes
          replacement = makeNode('QGemm', inputs, [out], attrs, `${n.name}_quant`, MS);
          qo = undefined;
        }
        break;
      }
      case 'Add':
      case 'Mul': {
        const a = dqInput(n.input[0]);
        const b = dqInput(n.input[1]);
        if (!a || !b || !qo || !isPerTensor(a) || !isPerTensor(b)) break;
        replacement = makeNode(`QLinear${n.opType}`, [a.q, a.s, a.z, b.q, b.s, b.z, qo.s, qo.z], [qo.q], {}, `${n.name}_quant`, MS);
        break;
      }
      case 'GlobalAveragePool':
      case 'AveragePool':
      case 'Sigmoid': {
        const x = dqInput(n.input[0]);
        if (!x || !qo || !isPerTensor(x)) break;
        const op = n.opType === 'Sigmoid' ? 'QLinearSigmoid' : `QLinear${n.opType}`;
        replacement = makeNode(op, [x.q, x.s, x.z, qo.s, qo.z], [qo.q], n.opType === 'GlobalAveragePool' ? { channels_last: 0 } : {}, `${n.name}_quant`, MS);
        if (n.opType === 'AveragePool') replacement.attribute.push(...n.attribute);
        break;
      }
      case 'Concat': {
        const ins = n.input.map(dqInput);
        if (!qo || ins.some((x) => !x || !isPerTensor(x))) break;
        const inputs = [qo.s, qo.z, ...ins.flatMap((x) => [x!.q, x!.s, x!.z])];
        replacement = makeNode('QLinearConcat', inputs, [qo.q], { axis: attrInt(n, 'axis', 0) }, `${n.name}_quant`, MS);
        break;
      }
      default:
        if (MOVE_OPS.has(n.opType)) {
          const x = dqInput(n.input[0]);
          if (!x || !qo || !isPerTensor(x) || x.s !== qo.s || x.z !== qo.z) break;
          replacement = makeNode(n.opType, [x.q, ...n.input.slice(1)], [qo.q], {}, n.name);
          replacement.attribute = n.attribute;
        }
    }
    if (!replacement) continue;
    const at = g.node.indexOf(n);
    const extra: NodeProto[] = [];
    if (qo) {
      // the Q node is replaced; float consumers of the old output read a DequantizeLinear of it
      g.node.splice(g.node.indexOf(qo.node), 1);
      const others = idx.consumersOf(out).filter((c) => c !== qo!.node);
      if (others.length || idx.graphOutputs.has(out)) {
        extra.push(makeNode('DequantizeLinear', [qo.q, qo.s, qo.z], [out], {}, `${out}_DequantizeLinear_float`));
      }
    }
    g.node.splice(g.node.indexOf(n) >= 0 ? g.node.indexOf(n) : at, 1, replacement, ...extra);
    fused++;
    idx = new GraphIndex(g);
  }
  // DequantizeLinear nodes nobody reads any more
  let again = true;
  while (again) {
    again = false;
    idx = new GraphIndex(g);
    const before = g.node.length;
    g.node = g.node.filter((n) => {
      if (n.opType !== 'DequantizeLinear' && n.opType !== 'QuantizeLinear') return true;
      return n.output.some((o) => idx.consumersOf(o).length || idx.graphOutputs.has(o));
    });
    again = g.node.length !== before;
  }
  removeUnusedInitializers(g);
  topoSort(g);
  ensureOpset(model, MS, 1);
  return { fused };
}
