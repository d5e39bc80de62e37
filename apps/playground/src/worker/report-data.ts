// What the playground measured, as @octet/report's ReportData (the same report `octet quantize
// --report` writes, rendered here in the worker).
import type { LayerComparison, QuantizeReport } from '@octet/quantizer';
import type { ReportData } from '@octet/report';
import type { PlaygroundResult } from '../shared/protocol.js';

export interface ReportInput {
  result: Omit<PlaygroundResult, 'reportHtml' | 'files'>;
  report: QuantizeReport;
  layers: readonly LayerComparison[];
  inputs: readonly { name: string; type: string; shape: readonly (number | string)[] }[];
  outputs: readonly { name: string; type: string; shape: readonly (number | string)[] }[];
  /** first output of both models over the comparison data, for the scatter plot */
  outputValues: { name: string; float: Float32Array; quantized: Float32Array };
  settings: Record<string, string>;
}

export function buildReportData(r: ReportInput): ReportData {
  const { result } = r;
  const keptFloat = new Set(r.report.fallback.map((f) => f.tensor));
  const data: ReportData = {
    title: `Octet playground — ${result.modelName}`,
    model: {
      name: result.modelName,
      source: result.data.kind === 'bundled' ? 'bundled with the playground' : 'dropped into the page',
      mode: r.report.format ? `${r.report.mode} (${r.report.format})` : r.report.mode,
      nodes: result.nodes,
      quantizedNodes: result.quantizedNodes,
      inputs: r.inputs.map((i) => ({ name: i.name, type: i.type, shape: [...i.shape] })),
      outputs: r.outputs.map((o) => ({ name: o.name, type: o.type, shape: [...o.shape] })),
    },
    summary: {
      sizeBytes: { ...result.sizeBytes },
      latencyMs: {
        float: result.latencyMs.float,
        quantized: result.latencyMs.quantized,
        runtime: `Octet in the browser (@octet/runtime-web, ${result.env.variant} kernels, ${result.env.threads} thread${result.env.threads === 1 ? '' : 's'})`,
        batchSize: result.latencyMs.batch,
        runs: result.latencyMs.runs,
      },
    },
    layers: r.layers.map((l) => ({ name: l.tensor, opType: l.opType, sqnrDb: l.sqnrDb, cosine: l.cosine, maxAbsError: l.maxAbsError, keptFloat: keptFloat.has(l.tensor) })),
    // The quantizer reports the range it chose, not a separately observed one: only the choice is drawn.
    activations: r.report.activations.map((a) => ({ tensor: a.tensor, chosenMin: a.min, chosenMax: a.max, scale: a.scale, zeroPoint: a.zeroPoint })),
    outputs: [r.outputValues],
    options: { ...r.settings, data: `${{ bundled: 'bundled test set', user: 'your labelled data', random: 'random inputs' }[result.data.kind]} (${result.data.samples} samples)` },
    warnings: result.warnings,
  };
  if (result.metric) data.summary!.metrics = [{ ...result.metric }];
  if (!data.layers!.length) delete data.layers;
  if (!data.activations!.length) delete data.activations;
  return data;
}
