// The playground's job, run inside the Web Worker: load a model and its data, quantize it with
// @octet/quantizer (calibrating on Octet's runtime), evaluate float vs int8 on @octet/runtime-web,
// measure per-layer error, and render @octet/report's page.
import { decodeModelProto } from '@octet/onnx';
import { compareLayers, createOctetExecutor, quantize, type CalibrationData, type ModelExecutor, type QuantizeOptions } from '@octet/quantizer';
import { createWebSession, defaultThreads, loadWebKernels, type Session, type SessionOptions, type TensorValue } from '@octet/runtime-web';
import { BUNDLED_MODELS, type Environment, type ModelChoice, type PlaygroundResult, type QuantizeSettings, type UserData } from '../shared/protocol.js';
import { fetchBytes, fetchTensor, randomFeeds, sliceFeeds, type Feeds } from './data.js';
import { externalDataOf, modelFiles, type ExternalData, type ModelFiles } from './model-files.js';
import { checkLabelsAgainstOutput, parseUserData } from './user-data.js';
import { median, taskMetric } from './metrics.js';
import { buildReportData } from './report-data.js';

/** Relative on purpose: @octet/runtime-web resolves it against the worker's own URL. */
const WASM_BASE = './wasm/';
const EVAL_BATCH = 64;
const RANDOM_SAMPLES = 16;
/** the user's labelled data: calibration uses the first samples (the quantizer streams them in batches) */
const USER_CALIBRATION_SAMPLES = 128;
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
  kind: 'bundled' | 'user' | 'random';
  bytes: Uint8Array;
  /** the graph's node count */
  nodes: number;
  /** its external data, when the dropped model keeps tensors in side files */
  external?: ExternalData;
  calibration: CalibrationData;
  /** comparison data, batch by batch */
  evalBatches: Feeds[];
  samples: number;
  /** samples per run when the model's first dimension is fixed */
  fixedBatch?: number;
  metric?: { name: 'accuracy' | 'rmse'; labels: ArrayLike<number | bigint> };
}

type Open = (bytes: Uint8Array, externalData?: SessionOptions['externalData']) => Promise<Session>;

function batchesOf(feeds: Feeds, samples: number, batch: number): Feeds[] {
  const out: Feeds[] = [];
  for (let i = 0; i < samples; i += batch) out.push(sliceFeeds(feeds, i, batch));
  return out;
}

/** The dropped model with its side files, or a bundled model's bytes and data. */
async function loadModel(choice: ModelChoice) {
  if (choice.kind === 'file') {
    const bytes = new Uint8Array(choice.bytes);
    let proto;
    try {
      proto = decodeModelProto(bytes);
    } catch (e) {
      throw new Error(`${choice.name} is not an ONNX model: ${(e as Error).message}`);
    }
    return { name: choice.name, bytes, nodes: proto.graph?.node.length ?? 0, external: externalDataOf(choice.name, proto, choice.sideFiles) };
  }
  const model = BUNDLED_MODELS.find((m) => m.id === choice.id);
  if (!model) throw new Error(`no bundled model '${choice.id}'`);
  const bytes = await fetchBytes(`./models/${model.id}/model.onnx`);
  return { name: `${model.id}.onnx`, bytes, nodes: decodeModelProto(bytes).graph?.node.length ?? 0, bundled: model };
}

async function loadWorkload(choice: ModelChoice, data: UserData | undefined, open: Open): Promise<Workload> {
  const { name, bytes, nodes, external, bundled } = await loadModel(choice);
  const session = await open(bytes, external?.files);
  try {
    const inputs = session.inputMetadata;
    const output = session.outputNames[0]!;
    if (data) {
      // The user's labelled data: checked against the model, then used to calibrate and compare.
      const d = parseUserData(data.files, inputs, data.metric);
      const probe = (await session.run(sliceFeeds(d.feeds, 0, d.fixedBatch ?? 1), { outputs: [output] }))[output]!;
      checkLabelsAgainstOutput(d, data.metric, output, probe.data.length / (d.fixedBatch ?? 1));
      return {
        name,
        kind: 'user',
        bytes,
        nodes,
        external,
        calibration: sliceFeeds(d.feeds, 0, USER_CALIBRATION_SAMPLES - (USER_CALIBRATION_SAMPLES % (d.fixedBatch ?? 1))),
        evalBatches: batchesOf(d.feeds, d.samples, d.fixedBatch ?? EVAL_BATCH),
        samples: d.samples,
        fixedBatch: d.fixedBatch,
        metric: { name: data.metric, labels: d.labels },
      };
    }
    if (!bundled) {
      // No labelled data comes with a dropped model: calibrate and compare on seeded random inputs.
      return { name, kind: 'random', bytes, nodes, external, calibration: randomFeeds(inputs, RANDOM_SAMPLES, 1), evalBatches: randomFeeds(inputs, RANDOM_SAMPLES, 2), samples: RANDOM_SAMPLES };
    }
    const url = (file: string) => `./models/${bundled.id}/${file}`;
    const inputIds = Array.from({ length: bundled.inputs }, (_, k) => k);
    const [labels, calib, test] = await Promise.all([
      fetchTensor(url('test/labels.pb')),
      Promise.all(inputIds.map((k) => fetchTensor(url(`calib/input_${k}.pb`)))),
      Promise.all(inputIds.map((k) => fetchTensor(url(`test/input_${k}.pb`)))),
    ]);
    const names = session.inputNames;
    if (names.length !== bundled.inputs) throw new Error(`${bundled.id}: the model has ${names.length} inputs, the bundle ${bundled.inputs}`);
    // Input K of the graph ↔ input_K.pb, samples along the first axis.
    const feedsOf = (tensors: TensorValue[]): Feeds => Object.fromEntries(names.map((n, k) => [n, tensors[k]!]));
    const samples = test[0]!.dims[0]!;
    return {
      name,
      kind: 'bundled',
      bytes,
      nodes,
      calibration: feedsOf(calib),
      evalBatches: batchesOf(feedsOf(test), samples, EVAL_BATCH),
      samples,
      metric: { name: bundled.metric, labels: labels.data as ArrayLike<number | bigint> },
    };
  } finally {
    session.dispose();
  }
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
async function evaluate(w: Workload, int8: ModelFiles, open: Open, progress: Progress) {
  const f = await open(w.bytes, w.external?.files);
  try {
    const q = await open(int8.modelBytes, int8.externalData);
    try {
      const io = { inputs: f.inputMetadata, outputs: f.outputMetadata, output: f.outputNames[0]! };
      const floatOut = await runAll(f, w.evalBatches);
      const quantOut = await runAll(q, w.evalBatches);
      progress('measuring latency (batch 1)');
      const lat = await latency(f, q, sliceFeeds(w.evalBatches[0]!, 0, w.fixedBatch ?? 1));
      return { floatOut, quantOut, lat, io };
    } finally {
      q.dispose();
    }
  } finally {
    f.dispose();
  }
}

const DATA_DESCRIPTION = { bundled: 'the bundled', user: 'your labelled', random: 'random' } as const;

export async function runPlayground(choice: ModelChoice, settings: QuantizeSettings, progress: Progress, data?: UserData): Promise<PlaygroundResult> {
  const env = await environment();
  const sessionOptions = { wasmBaseUrl: WASM_BASE, numThreads: env.threads };
  const open: Open = (bytes, externalData) => createWebSession(bytes, { ...sessionOptions, externalData });

  progress('loading the model and its data');
  const w = await loadWorkload(choice, data, open);
  // Calibration and per-layer error open the float model (with its side files) and the int8 one
  // (its own data file when split) through this executor, which re-encodes a model to observe
  // tensors: every session gets both models' files.
  let int8: ModelFiles | undefined;
  const sideFiles = () => [...(w.external?.files ?? []), ...(int8?.externalData ?? [])];
  const executor: ModelExecutor = createOctetExecutor({ createSession: (bytes, options) => createWebSession(bytes, { ...options, ...sessionOptions, externalData: sideFiles() }) });

  const source = { bundled: 'the bundled calibration set', user: `the first ${USER_CALIBRATION_SAMPLES} samples of your data at most`, random: 'random inputs' }[w.kind];
  progress(settings.mode === 'static' ? `quantizing (static QDQ, ${settings.calibrationMethod} calibration on ${source})` : 'quantizing (dynamic)');
  const options: QuantizeOptions =
    settings.mode === 'static'
      ? { mode: 'static', calibration: w.calibration, calibrationMethod: settings.calibrationMethod, executor, ...(w.fixedBatch ? { calibrationBatchSize: w.fixedBatch } : {}) }
      : { mode: 'dynamic' };
  const reader = w.external?.reader;
  const t0 = performance.now();
  // The side files reach the quantizer as its external-data reader.
  const { model, report } = await quantize(w.bytes, { ...options, ...(reader ? { external: (t) => reader.read(t) } : {}), onProgress: (e) => progress(`${e.stage}: ${e.message}`, e.fraction) });
  const quantizeSeconds = (performance.now() - t0) / 1000;
  const fileName = `${w.name.replace(/\.onnx$/i, '')}.int8.onnx`;
  // Tensors the quantizer left in the input's side files are copied in: the download stands alone.
  int8 = modelFiles(model, reader, fileName);

  progress(`evaluating float and int8 on ${w.samples} ${DATA_DESCRIPTION[w.kind]} samples`);
  const { floatOut, quantOut, lat, io } = await evaluate(w, int8, open, progress);

  progress('per-layer error');
  const layerSamples = w.kind === 'random' ? w.evalBatches : w.evalBatches[0]!;
  const layers = await compareLayers(w.bytes, int8.modelBytes, layerSamples, { executor, maxSamples: 64, ...(w.fixedBatch ? { batchSize: w.fixedBatch } : {}) });

  // @octet/report (Vega, Vega-Lite: most of the worker's code) loads only now, as its own chunk,
  // so the worker starts fast.
  const { outputStats, renderReport } = await import('@octet/report');
  const agreement = outputStats(floatOut, quantOut);
  const warnings = [
    ...report.warnings,
    ...report.fallback.map((fb) => `kept '${fb.tensor}' in float (SQNR ${fb.sqnrDb.toFixed(1)} dB when quantized)`),
    ...(w.kind === 'random' ? ['no labelled data was given for the dropped model: it was calibrated and compared on random inputs, so only output agreement is shown (no task metric)'] : []),
    ...(w.kind === 'user' && w.samples <= USER_CALIBRATION_SAMPLES ? ['calibrated on the same samples the metric is measured on (your data has no separate calibration set)'] : []),
  ];
  const result: Omit<PlaygroundResult, 'reportHtml' | 'files'> = {
    modelName: w.name,
    fileName,
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
    sizeBytes: { float: w.bytes.length + (w.external?.bytes ?? 0), quantized: int8.totalBytes },
    latencyMs: { float: lat.a, quantized: lat.b, runs: LATENCY_RUNS, batch: 1 },
    quantizedNodes: report.quantizedNodes.length,
    nodes: w.nodes,
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
  return { ...result, reportHtml, files: int8.files };
}
