// The playground's job, run inside the Web Worker: load a model and its data, quantize it with
// @octet/quantizer (calibrating on Octet's runtime), evaluate float vs int8 on @octet/runtime-web,
// measure per-layer error, and render @octet/report's page.
import { decodeModelProto, encodeModelProto } from '@octet/onnx';
import { compareLayers, createOctetExecutor, quantize, type CalibrationData, type ModelExecutor, type QuantizeOptions } from '@octet/quantizer';
import { createWebSession, defaultThreads, loadWebKernels, type Session, type TensorValue } from '@octet/runtime-web';
import { BUNDLED_MODELS, type Environment, type ModelChoice, type PlaygroundResult, type QuantizeSettings } from '../shared/protocol.js';
import { fetchBytes, fetchTensor, randomFeeds, sliceFeeds, type Feeds } from './data.js';
import { median, taskMetric } from './metrics.js';
import { buildReportData } from './report-data.js';

/** Relative on purpose: @octet/runtime-web resolves it against the worker's own URL. */
const WASM_BASE = './wasm/';
const EVAL_BATCH = 64;
const RANDOM_SAMPLES = 16;
const LATENCY_WARMUP = 3;
const LATENCY_RUNS = 20;

export type Progress = (message: string, fraction?: number) => void;

declare const crossOriginIsolated: boolean | undefined;

export async function environment(): Promise<Environment> {
  const kernels = await loadWebKernels({ wasmBaseUrl: WASM_BASE }, defaultThreads());
  return { crossOriginIsolated: typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated, threads: kernels.pool?.size ?? 1, variant: kernels.variant };
}

/** A model with the data it is calibrated and compared on. */
interface Workload {
  name: string;
  kind: 'bundled' | 'random';
  bytes: Uint8Array;
  calibration: CalibrationData;
  /** comparison data, batch by batch */
  evalBatches: Feeds[];
  samples: number;
  metric?: { name: 'accuracy' | 'rmse'; labels: ArrayLike<number | bigint> };
}

async function loadWorkload(choice: ModelChoice, inputsOf: (bytes: Uint8Array) => Promise<Session>): Promise<Workload> {
  if (choice.kind === 'file') {
    const bytes = new Uint8Array(choice.bytes);
    const session = await inputsOf(bytes);
    const inputs = session.inputMetadata;
    session.dispose();
    // No labelled data comes with a dropped model: calibrate and compare on seeded random inputs.
    return { name: choice.name, kind: 'random', bytes, calibration: randomFeeds(inputs, RANDOM_SAMPLES, 1), evalBatches: randomFeeds(inputs, RANDOM_SAMPLES, 2), samples: RANDOM_SAMPLES };
  }
  const model = BUNDLED_MODELS.find((m) => m.id === choice.id);
  if (!model) throw new Error(`no bundled model '${choice.id}'`);
  const url = (file: string) => `./models/${model.id}/${file}`;
  const inputIds = Array.from({ length: model.inputs }, (_, k) => k);
  const [bytes, labels, calib, test] = await Promise.all([
    fetchBytes(url('model.onnx')),
    fetchTensor(url('test/labels.pb')),
    Promise.all(inputIds.map((k) => fetchTensor(url(`calib/input_${k}.pb`)))),
    Promise.all(inputIds.map((k) => fetchTensor(url(`test/input_${k}.pb`)))),
  ]);
  const session = await inputsOf(bytes);
  const names = session.inputNames;
  session.dispose();
  if (names.length !== model.inputs) throw new Error(`${model.id}: the model has ${names.length} inputs, the bundle ${model.inputs}`);
  // Input K of the graph ↔ input_K.pb, samples along the first axis.
  const feedsOf = (tensors: TensorValue[]): Feeds => Object.fromEntries(names.map((n, k) => [n, tensors[k]!]));
  const testFeeds = feedsOf(test);
  const samples = test[0]!.dims[0]!;
  const evalBatches: Feeds[] = [];
  for (let i = 0; i < samples; i += EVAL_BATCH) evalBatches.push(sliceFeeds(testFeeds, i, EVAL_BATCH));
  return {
    name: `${model.id}.onnx`,
    kind: 'bundled',
    bytes,
    calibration: feedsOf(calib),
    evalBatches,
    samples,
    metric: { name: model.metric, labels: labels.data as ArrayLike<number | bigint> },
  };
}

/** The first output over all batches, as float32. */
async function runAll(session: Session, batches: readonly Feeds[]): Promise<Float32Array> {
  const name = session.outputNames[0]!;
  const parts: ArrayLike<number>[] = [];
  for (const feeds of batches) {
    const out = (await session.run(feeds, { outputs: [name] }))[name]!;
    parts.push(out.data instanceof Float32Array ? out.data : Float32Array.from(out.data as ArrayLike<number>, Number));
  }
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

/** Median batch-1 latency of both sessions, runs alternating so both see the same machine load. */
async function latency(a: Session, b: Session, feeds: Feeds): Promise<{ a: number; b: number }> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < LATENCY_WARMUP + LATENCY_RUNS; i++) {
    let t0 = performance.now();
    await a.run(feeds);
    if (i >= LATENCY_WARMUP) ta.push(performance.now() - t0);
    t0 = performance.now();
    await b.run(feeds);
    if (i >= LATENCY_WARMUP) tb.push(performance.now() - t0);
  }
  return { a: median(ta), b: median(tb) };
}

/** Both models over the comparison data (first output) and their batch-1 latency. */
async function evaluate(w: Workload, int8: Uint8Array, open: (bytes: Uint8Array) => Promise<Session>, progress: Progress) {
  const f = await open(w.bytes);
  try {
    const q = await open(int8);
    try {
      const io = { inputs: f.inputMetadata, outputs: f.outputMetadata, output: f.outputNames[0]! };
      const floatOut = await runAll(f, w.evalBatches);
      const quantOut = await runAll(q, w.evalBatches);
      progress('measuring latency (batch 1)');
      const lat = await latency(f, q, w.kind === 'bundled' ? sliceFeeds(w.evalBatches[0]!, 0, 1) : w.evalBatches[0]!);
      return { floatOut, quantOut, lat, io };
    } finally {
      q.dispose();
    }
  } finally {
    f.dispose();
  }
}

export async function runPlayground(choice: ModelChoice, settings: QuantizeSettings, progress: Progress): Promise<PlaygroundResult> {
  const env = await environment();
  const sessionOptions = { wasmBaseUrl: WASM_BASE, numThreads: env.threads };
  const open = (bytes: Uint8Array) => createWebSession(bytes, sessionOptions);
  const executor: ModelExecutor = createOctetExecutor({ createSession: (bytes, options) => createWebSession(bytes, { ...options, ...sessionOptions }) });

  progress('loading the model and its data');
  const w = await loadWorkload(choice, open);

  progress(settings.mode === 'static' ? `quantizing (static QDQ, ${settings.calibrationMethod} calibration on ${w.kind === 'bundled' ? 'the bundled calibration set' : 'random inputs'})` : 'quantizing (dynamic)');
  const options: QuantizeOptions =
    settings.mode === 'static'
      ? { mode: 'static', calibration: w.calibration, calibrationMethod: settings.calibrationMethod, executor }
      : { mode: 'dynamic' };
  const t0 = performance.now();
  const { model, report } = await quantize(w.bytes, { ...options, onProgress: (e) => progress(`${e.stage}: ${e.message}`, e.fraction) });
  const quantizeSeconds = (performance.now() - t0) / 1000;
  const int8 = encodeModelProto(model);

  progress(`evaluating float and int8 on ${w.samples} ${w.kind === 'bundled' ? 'test' : 'random'} samples`);
  const { floatOut, quantOut, lat, io } = await evaluate(w, int8, open, progress);

  progress('per-layer error');
  const layers = await compareLayers(w.bytes, int8, w.kind === 'bundled' ? w.evalBatches[0]! : w.evalBatches, { executor, maxSamples: 64 });

  // @octet/report (Vega, Vega-Lite: most of the worker's code) loads only now, as its own chunk,
  // so the worker starts fast.
  const { outputStats, renderReport } = await import('@octet/report');
  const agreement = outputStats(floatOut, quantOut);
  const warnings = [
    ...report.warnings,
    ...report.fallback.map((fb) => `kept '${fb.tensor}' in float (SQNR ${fb.sqnrDb.toFixed(1)} dB when quantized)`),
    ...(w.kind === 'random' ? ['no labelled data comes with a dropped model: it was calibrated and compared on random inputs, so only output agreement is shown (no task metric)'] : []),
  ];
  const result: Omit<PlaygroundResult, 'reportHtml' | 'quantized'> = {
    modelName: w.name,
    fileName: `${w.name.replace(/\.onnx$/i, '')}.int8.onnx`,
    data: { kind: w.kind, samples: w.samples },
    metric: w.metric && {
      name: w.metric.name,
      higherIsBetter: w.metric.name === 'accuracy',
      isFraction: w.metric.name === 'accuracy',
      float: taskMetric(w.metric.name, floatOut, w.metric.labels),
      quantized: taskMetric(w.metric.name, quantOut, w.metric.labels),
      samples: w.samples,
    },
    agreement: { output: io.output, sqnrDb: agreement.sqnrDb, maxAbsError: agreement.maxAbsError },
    sizeBytes: { float: w.bytes.length, quantized: int8.length },
    latencyMs: { float: lat.a, quantized: lat.b, runs: LATENCY_RUNS, batch: 1 },
    quantizedNodes: report.quantizedNodes.length,
    nodes: decodeModelProto(w.bytes).graph?.node.length ?? 0,
    quantizeSeconds,
    warnings,
    env,
  };

  progress('rendering the report');
  const reportHtml = await renderReport(
    buildReportData({
      result,
      report,
      layers,
      inputs: io.inputs,
      outputs: io.outputs,
      outputValues: { name: io.output, float: floatOut, quantized: quantOut },
      settings: settings.mode === 'static' ? { mode: 'static (QDQ)', calibration: settings.calibrationMethod } : { mode: 'dynamic' },
    }),
  );
  const quantized = int8.buffer.slice(int8.byteOffset, int8.byteOffset + int8.byteLength) as ArrayBuffer;
  return { ...result, reportHtml, quantized };
}
