import { statSync } from 'node:fs';
import type { CommandSpec } from '../args.js';
import { openModel, resolvePath } from '../model-file.js';
import { formatBytes, formatShape, summarizeModel, type ModelSummary } from '../model-summary.js';

export const inspectCommand: CommandSpec = {
  name: 'inspect',
  positionals: ['MODEL.onnx'],
  summary: 'Show ops by type and domain, opsets, inputs/outputs, parameters, size and how the model is quantized.',
  options: {
    json: { type: 'boolean', help: 'print the summary as JSON' },
  },
  async run(args, io) {
    const path = resolvePath(args.positionals[0], io.cwd);
    const model = openModel(path);
    const summary = { file: args.positionals[0], bytes: statSync(path).size, ...summarizeModel(model) };
    io.stdout(args.options.json ? JSON.stringify(summary, null, 2) + '\n' : formatSummary(summary));
  },
};

const num = (n: number) => n.toLocaleString('en-US');

export function formatSummary(s: ModelSummary & { file: string; bytes: number }): string {
  const out: string[] = [];
  out.push(`${s.file}: ${formatBytes(s.bytes)}, IR ${s.irVersion}${s.producer ? `, produced by ${s.producer}` : ''}`);
  out.push(`opsets: ${s.opsets.map((o) => `${o.domain} ${o.version}`).join(', ')}`);
  out.push('inputs:');
  for (const v of s.inputs) out.push(`  ${v.name}  ${v.type} ${formatShape(v.shape)}`);
  out.push('outputs:');
  for (const v of s.outputs) out.push(`  ${v.name}  ${v.type} ${formatShape(v.shape)}`);
  out.push(`ops: ${num(s.nodes)} nodes`);
  const w = Math.max(...s.ops.map((o) => o.opType.length + o.domain.length + 3));
  for (const o of s.ops) out.push(`  ${`${o.opType} (${o.domain})`.padEnd(w)}  ${o.count}`);
  const types = s.parameterTypes.map((p) => `${p.type} ${num(p.count)}`).join(', ');
  out.push(`parameters: ${num(s.parameters)} (${formatBytes(s.parameterBytes)}${types ? `; ${types}` : ''})${s.externalTensors ? `, ${s.externalTensors} tensors in external data` : ''}`);
  const q = s.quantization;
  if (!q.quantized) {
    const f16 = s.parameterTypes.find((p) => p.type === 'float16');
    const note = f16 && f16.bytes > s.parameterBytes / 2 ? '; float16 weights' : '';
    out.push(`quantization: none (${q.floatComputeNodes.length} float Conv/ConvTranspose/MatMul/Gemm nodes${note})`);
  } else {
    const schemes = Object.entries(q.schemes).map(([k, v]) => `${SCHEME_LABEL[k]} ${v}`).join(', ');
    out.push(`quantization: ${q.nodes.length} quantized nodes (${schemes}); ${q.quantizeNodes} quantize, ${q.dequantizeNodes} dequantize nodes; ${q.floatComputeNodes.length} Conv/MatMul/Gemm left in float`);
    const nw = Math.max(...q.nodes.map((n) => n.name.length));
    const ow = Math.max(...q.nodes.map((n) => n.opType.length));
    for (const n of q.nodes) out.push(`  ${n.name.padEnd(nw)}  ${n.opType.padEnd(ow)}  ${SCHEME_LABEL[n.scheme]}${n.weightType ? `  ${n.weightType} weights` : ''}`);
    if (q.floatComputeNodes.length) out.push(`  in float: ${q.floatComputeNodes.join(', ')}`);
  }
  return out.join('\n') + '\n';
}

const SCHEME_LABEL: Record<string, string> = { qdq: 'QDQ', qoperator: 'QOperator', dynamic: 'dynamic', 'weight-only': 'weight-only' };
