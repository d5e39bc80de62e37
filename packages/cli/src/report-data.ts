// Gathers what `octet quantize` measured into @octet/report's ReportData.
import type { Model } from '@octet/onnx';
import type { QuantizeReport } from '@octet/quantizer';
import { renderReport, type ReportData, type OutputComparison } from '@octet/report';
import { batchesOf, dataParts, readDataPart } from './data-folder.js';
import { openSession, runBatch } from './engine.js';
import type { Evaluation } from './evaluate.js';
import { latencyStats, type LatencyStats } from './latency.js';
import { performance } from 'node:perf_hooks';
import { higherIsBetter } from './metrics.js';
import { summarizeModel } from './model-summary.js';
import { weightDistributions } from './weight-distributions.js';

export interface QuantizeReportInput {
  inputPath: string;
  input: Model;
  output: Model;
  report: QuantizeReport;
  bytes: { float: number; quantized: number };
  evaluation?: { float: Evaluation; quantized: Evaluation };
  outputs?: OutputComparison[];
  latency?: LatencyComparison;
  options?: Record<string, string | number | boolean>;
}

export function buildQuantizeReport(r: QuantizeReportInput): ReportData {
  const before = summarizeModel(r.input);
  const name = r.inputPath.split(/[\\/]/).pop() ?? r.inputPath;
  const data: ReportData = {
    model: {
      name,
      source: r.inputPath,
      mode: r.report.format ? `${r.report.mode} (${r.report.format})` : r.report.mode,
      opset: r.input.opset(),
      producer: before.producer || undefined,
      nodes: before.nodes,
      quantizedNodes: r.report.quantizedNodes.length,
      quantizableNodes: before.quantization.floatComputeNodes.length || undefined,
      parameters: before.parameters,
      inputs: before.inputs.map((i) => ({ name: i.name, type: i.type, shape: i.shape?.map((d) => d ?? '?') })),
      outputs: before.outputs.map((o) => ({ name: o.name, type: o.type, shape: o.shape?.map((d) => d ?? '?') })),
    },
    summary: { sizeBytes: { float: r.bytes.float, quantized: r.bytes.quantized } },
    activations: r.report.activations.map((a) => ({
      tensor: a.tensor,
      chosenMin: a.min,
      chosenMax: a.max,
      // the quantizer reports the calibrated range only; it is what the data showed for MinMax
      observedMin: a.min,
      observedMax: a.max,
      scale: a.scale,
      zeroPoint: a.zeroPoint,
    })),
    warnings: [...r.report.warnings, ...r.report.fallback.map((f) => `kept '${f.tensor}' in float (SQNR ${f.sqnrDb.toFixed(1)} dB when quantized)`)],
  };
  if (r.evaluation) {
    const { float, quantized } = r.evaluation;
    data.summary!.metrics = [
      {
        name: float.metric,
        higherIsBetter: higherIsBetter(float.metric),
        isFraction: float.metric === 'accuracy',
        samples: float.samples,
        float: float.value,
        quantized: quantized.value,
      },
    ];
  }
  if (r.outputs?.length) data.outputs = r.outputs;
  const weights = weightDistributions(r.input, r.output);
  if (weights.length) data.weights = weights;
  if (r.latency) data.summary!.latencyMs = { float: r.latency.float.medianMs, quantized: r.latency.quantized.medianMs, runtime: "Octet's runtime", batchSize: r.latency.batch, runs: r.latency.float.runs };
  if (r.options) data.options = r.options;
  return data;
}

/** Float vs quantized outputs on the first `limit` samples of a data folder, for the scatter plot. */
export async function compareOutputs(floatPath: string, quantPath: string, dataDir: string, limit = 256, threads?: number, quantBytes?: Uint8Array): Promise<OutputComparison[]> {
  const f = await openSession(floatPath, { threads });
  const q = await openSession(quantPath, { threads, bytes: quantBytes });
  try {
    const part = readDataPart(dataParts(dataDir)[0], f.inputNames, { labels: 'ignore' });
    const batch = batchesOf(part, limit).next().value!;
    const fo = await runBatch(f, floatPath, batch.feeds);
    const qo = await runBatch(q, quantPath, batch.feeds);
    return f.outputNames
      .filter((n) => qo[n] && fo[n].type === 'float32' && qo[n].type === 'float32')
      .map((n) => ({ name: n, float: fo[n].data as Float32Array, quantized: qo[n].data as Float32Array }));
  } finally {
    f.dispose();
    q.dispose();
  }
}

export interface LatencyComparison {
  batch: number;
  float: LatencyStats;
  quantized: LatencyStats;
}

/** Median latency of both models on the first `batch` samples of a data folder (Octet's runtime, alternating runs). */
export async function compareLatency(floatPath: string, quantPath: string, dataDir: string, runs = 10, batch = 1, threads?: number, quantBytes?: Uint8Array): Promise<LatencyComparison> {
  const f = await openSession(floatPath, { threads });
  const q = await openSession(quantPath, { threads, bytes: quantBytes });
  try {
    const part = readDataPart(dataParts(dataDir)[0], f.inputNames, { labels: 'ignore' });
    const b = batchesOf(part, batch).next().value!;
    const tf: number[] = [];
    const tq: number[] = [];
    for (let i = 0; i < runs + 2; i++) {
      let t0 = performance.now();
      await runBatch(f, floatPath, b.feeds);
      if (i >= 2) tf.push(performance.now() - t0);
      t0 = performance.now();
      await runBatch(q, quantPath, b.feeds);
      if (i >= 2) tq.push(performance.now() - t0);
    }
    return { batch: b.count, float: latencyStats(tf), quantized: latencyStats(tq) };
  } finally {
    f.dispose();
    q.dispose();
  }
}

export async function renderReportHtml(data: ReportData): Promise<string> {
  return renderReport(data);
}
