import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Model, inlineExternalData, isExternal, serializeModel, externalDataInfo, forEachModelTensor, rawByteLength, tensorElementCount } from '@octet/onnx';
import { saveModel, writeFileAtomic } from '@octet/onnx/node';
import { compareLayers, createOrtExecutor, quantize, quantizeToTarget, type MixedPrecisionReport, type Feeds, type ModelExecutor, type OrtLike, type QuantizeOptions, type QuantizeReport } from '@octet/quantizer';
import { listOption, type CommandSpec, type ParsedArgs } from '../args.js';
import { batchesOf, dataParts, readDataPart } from '../data-folder.js';
import { CliError, UsageError } from '../errors.js';
import { evaluateModel, type Evaluation } from '../evaluate.js';
import type { CliIo } from '../io.js';
import { higherIsBetter, type MetricName } from '../metrics.js';
import { openModel, resolvePath } from '../model-file.js';
import { createOctetExecutor } from '../octet-executor.js';
import { hasExternalData } from '../engine.js';
import { createProgress, yieldToEventLoop } from '../progress.js';
import { buildQuantizeReport, compareLatency, compareOutputs, renderReportHtml, type LatencyComparison } from '../report-data.js';
import { jsonOption, metricOption, threadsOption } from './common-options.js';

export const quantizeCommand: CommandSpec = {
  name: 'quantize',
  positionals: ['MODEL.onnx'],
  summary: 'Quantize a float model (static QDQ/QOperator, dynamic, weight-only int8/int4, float16); never overwrites MODEL.onnx.',
  details:
    'Mode defaults to static when --calib is given, else dynamic. Calibration runs the float model on\n' +
    "Octet's runtime. OUT.onnx is written atomically (temp file + rename); tensors go to external data\n" +
    'next to it when the model is too large for one protobuf file, or with --external-data.',
  options: {
    output: { type: 'string', short: 'o', value: 'OUT.onnx', help: 'output model (must differ from MODEL.onnx)', required: true },
    mode: { type: 'string', value: 'MODE', help: 'quantization mode', choices: ['static', 'dynamic', 'weight-only', 'float16'] },
    format: { type: 'string', value: 'FORMAT', help: 'static: QDQ or QOperator (default qdq)', choices: ['qdq', 'qop'] },
    calib: { type: 'string', value: 'DIR', help: 'calibration data (input_K.pb, first axis = samples)' },
    'calib-batch-size': { type: 'string', value: 'N', help: 'samples per calibration run (default 16)', integer: { min: 1 } },
    method: { type: 'string', value: 'METHOD', help: 'calibration method (default minmax)', choices: ['minmax', 'percentile', 'entropy', 'mse'] },
    'per-channel': { type: 'boolean', help: 'per-channel weight scales (the default for static)' },
    'per-tensor': { type: 'boolean', help: 'one scale per weight tensor' },
    'activation-type': { type: 'string', value: 'TYPE', help: 'activation type (default uint8)', choices: ['uint8', 'int8'] },
    'weight-type': { type: 'string', value: 'TYPE', help: 'weight type (default int8)', choices: ['int8', 'uint8'] },
    'reduce-range': { type: 'boolean', help: '7-bit weights (for CPUs without VNNI)' },
    bits: { type: 'string', value: 'N', help: 'weight-only: bits (default 4)', choices: ['8', '4'] },
    'block-size': { type: 'string', value: 'N', help: 'weight-only: block size, a power of two 16–256 (default 32)', integer: { min: 16, max: 256 } },
    symmetric: { type: 'boolean', help: 'weight-only: symmetric blocks; static/dynamic: symmetric activations and weights' },
    'weight-only-format': { type: 'string', value: 'F', help: 'weight-only: com.microsoft MatMulNBits or opset-21 blocked DequantizeLinear', choices: ['matmulnbits', 'qdq'] },
    exclude: { type: 'string', value: 'NODE[,NODE…]', help: 'nodes left in float' },
    'op-types': { type: 'string', value: 'OP[,OP…]', help: 'op types to quantize' },
    'no-fallback': { type: 'boolean', help: 'static: do not keep quantization-fragile tensors in float automatically' },
    eval: { type: 'string', value: 'DIR', help: 'labelled data: evaluate the float and quantized models (with --metric)' },
    metric: metricOption,
    'target-drop': { type: 'string', value: 'X', help: 'accuracy-driven: largest allowed metric drop (absolute)', number: { min: 0 } },
    report: { type: 'string', value: 'FILE.html', help: 'write a self-contained HTML report' },
    'external-data': { type: 'boolean', help: 'store tensors in OUT.onnx.data next to OUT.onnx' },
    executor: { type: 'string', value: 'ENGINE', help: "runs the float model for calibration (default octet)", choices: ['octet', 'onnxruntime-node'] },
    threads: threadsOption,
    json: jsonOption,
  },
  run: runQuantize,
};

interface Paths {
  input: string;
  output: string;
  report?: string;
}

function checkPaths(args: ParsedArgs, io: CliIo): Paths {
  const input = resolvePath(args.positionals[0], io.cwd);
  const output = resolvePath(args.options.output as string, io.cwd);
  const report = args.options.report ? resolvePath(args.options.report as string, io.cwd) : undefined;
  if (sameFile(input, output)) throw new UsageError(`-o ${args.options.output} is the input model; choose another output file`);
  if (report && (sameFile(report, input) || sameFile(report, output))) throw new UsageError(`--report ${args.options.report} would overwrite a model file`);
  if (!existsSync(dirname(output))) throw new CliError(`${dirname(output)}: output folder does not exist`);
  return { input, output, report };
}

/** Fails fast (before a long quantization) when the evaluation folder has no labels. */
function checkLabelled(dir: string): void {
  for (const part of dataParts(dir)) if (!existsSync(join(part, 'labels.pb'))) throw new CliError(`${part}: no labels.pb (--eval needs labelled data)`);
}

/** OUT.onnx.data must not be a file the input model reads its tensors from. */
function refuseDataCollision(model: Model, paths: Paths): void {
  const target = `${paths.output}.data`;
  forEachModelTensor(model.toProto(), (t) => {
    if (isExternal(t) && sameFile(join(dirname(paths.input), externalDataInfo(t).location), target)) {
      throw new UsageError(`${basename(target)} holds the input model's tensors; choose another output name`);
    }
  });
}

/** True when both paths name the same file (also through symlinks and hard links). */
function sameFile(a: string, b: string): boolean {
  if (a === b) return true;
  if (!existsSync(a) || !existsSync(b)) return false;
  if (realpathSync(a) === realpathSync(b)) return true;
  const sa = statSync(a);
  const sb = statSync(b);
  return sa.ino === sb.ino && sa.dev === sb.dev;
}

function quantizeOptions(args: ParsedArgs): QuantizeOptions {
  const o = args.options;
  if (o['per-channel'] && o['per-tensor']) throw new UsageError('--per-channel and --per-tensor exclude each other');
  const mode = (o.mode as QuantizeOptions['mode']) ?? (o.calib ? 'static' : 'dynamic');
  if (mode === 'static' && !o.calib) throw new UsageError('--mode static needs --calib DIR');
  if (mode !== 'static') {
    for (const k of ['format', 'method', 'calib-batch-size', 'activation-type', 'no-fallback'] as const) {
      if (o[k] !== undefined) throw new UsageError(`--${k} applies to --mode static only`);
    }
  }
  if (mode !== 'weight-only') {
    for (const k of ['bits', 'block-size', 'weight-only-format'] as const) if (o[k] !== undefined) throw new UsageError(`--${k} applies to --mode weight-only only`);
  }
  const blockSize = o['block-size'] as number | undefined;
  if (blockSize !== undefined && (blockSize & (blockSize - 1)) !== 0) throw new UsageError(`--block-size must be a power of two from 16 to 256 (got ${blockSize})`);
  if ((o.eval !== undefined) !== (o.metric !== undefined)) throw new UsageError('--eval and --metric go together');
  if (o['target-drop'] !== undefined && o.eval === undefined) throw new UsageError('--target-drop needs --eval DIR and --metric M');
  const opts: QuantizeOptions = { mode };
  if (o.format) opts.format = o.format === 'qop' ? 'qoperator' : 'qdq';
  if (o.method) opts.calibrationMethod = o.method as QuantizeOptions['calibrationMethod'];
  if (o['calib-batch-size']) opts.calibrationBatchSize = o['calib-batch-size'] as number;
  if (o['per-channel']) opts.perChannel = true;
  if (o['per-tensor']) opts.perChannel = false;
  if (o['activation-type']) opts.activationType = o['activation-type'] as 'uint8' | 'int8';
  if (o['weight-type']) opts.weightType = o['weight-type'] as 'uint8' | 'int8';
  if (o['reduce-range']) opts.reduceRange = true;
  if (o.bits) opts.bits = Number(o.bits) as 4 | 8;
  if (blockSize) opts.blockSize = blockSize;
  if (o['weight-only-format']) opts.weightOnlyFormat = o['weight-only-format'] as 'matmulnbits' | 'qdq';
  if (o.symmetric) {
    if (mode === 'weight-only') opts.symmetric = true;
    else {
      opts.activationSymmetric = true;
      opts.weightSymmetric = true;
    }
  }
  const exclude = listOption(o.exclude);
  if (exclude) opts.excludeNodes = exclude;
  const opTypes = listOption(o['op-types']);
  if (opTypes) opts.opTypes = opTypes;
  if (o['no-fallback']) opts.autoFallback = false;
  return opts;
}

/** Calibration data: one folder as whole tensors (the quantizer batches them), subfolders streamed in batches. */
function calibrationData(dir: string, inputNames: readonly string[], batchSize: number): QuantizeOptions['calibration'] {
  const parts = dataParts(dir);
  if (parts.length === 1) return readDataPart(parts[0], inputNames, { labels: 'ignore' }).feeds as unknown as Feeds;
  // Re-iterable: the quantizer reads calibration data more than once (ranges, then sensitivity),
  // and each pass streams the subfolders from disk again.
  return {
    *[Symbol.iterator]() {
      for (const p of parts) for (const b of batchesOf(readDataPart(p, inputNames, { labels: 'ignore' }), batchSize)) yield b.feeds as unknown as Feeds;
    },
  };
}

/** Payload bytes of every tensor (to decide whether the output needs external data). */
function modelBytes(model: Model): number {
  let total = 0;
  forEachModelTensor(model.toProto(), (t) => {
    total += isExternal(t) ? (externalDataInfo(t).length ?? rawByteLength(t.dataType, tensorElementCount(t))) : t.rawData.length;
  });
  return total;
}

async function createExecutor(name = 'octet', threads?: number): Promise<ModelExecutor> {
  if (name === 'octet') return createOctetExecutor({ threads });
  let ort: OrtLike;
  try {
    const m = (await import(name)) as { default?: OrtLike } & OrtLike;
    ort = m.default?.InferenceSession ? m.default : m;
  } catch (e) {
    throw new CliError(`--executor ${name}: cannot load ${name} (npm install ${name}): ${(e as Error).message}`);
  }
  return createOrtExecutor(ort, threads ? { intraOpNumThreads: threads } : {});
}

export interface QuantizeSummary {
  input: string;
  output: string;
  mode: string;
  format?: string;
  bytes: { input: number; output: number };
  quantizedNodes: number;
  keptFloat: string[];
  outputSqnrDb?: { before: number; after: number };
  seconds: number;
  eval?: {
    metric: MetricName;
    samples: number;
    float: number;
    quantized: number;
    drop: number;
    /** median latency on Octet's runtime, first `batch` samples of the eval data */
    latencyMs: { batch: number; float: number; quantized: number };
  };
  report?: string;
  warnings: string[];
  /** --target-drop: what the accuracy-driven search kept in float, and why */
  tuning?: TuningSummary;
}

async function runQuantize(args: ParsedArgs, io: CliIo): Promise<void> {
  const paths = checkPaths(args, io);
  const options = quantizeOptions(args);
  const json = Boolean(args.options.json);
  const targetDrop = args.options['target-drop'] as number | undefined;
  if (targetDrop !== undefined && options.mode !== 'static') throw new UsageError('--target-drop needs static quantization (--calib DIR)');
  if (args.options.eval) checkLabelled(resolvePath(args.options.eval as string, io.cwd));
  const model = openModel(paths.input);
  const inputNames = model.graph.inputs.filter((v) => !model.graph.initializers.has(v.name)).map((v) => v.name);
  if (args.options['external-data']) refuseDataCollision(model, paths);
  // Inline external data the quantizer and its executor would otherwise have to resolve by path,
  // unless the model is too large for one protobuf buffer (then tensors are read lazily).
  if (hasExternalData(model) && modelBytes(model) < 1.8 * 1024 ** 3) inlineExternalData(model);
  const external = model.externalData;
  if (args.options.calib) {
    const dir = resolvePath(args.options.calib as string, io.cwd);
    options.calibration = calibrationData(dir, inputNames, options.calibrationBatchSize ?? 16);
    options.executor = await createExecutor(args.options.executor as string | undefined, args.options.threads as number | undefined);
  }
  if (external) options.external = (t) => external.read(t);
  const progress = createProgress(io, 'quantize', json);
  options.onProgress = (e) => progress.update(e.fraction, `${e.stage}: ${e.message}`);
  const t0 = performance.now();
  let result;
  let tuning: MixedPrecisionReport | undefined;
  try {
    if (targetDrop !== undefined) {
      // accuracy-driven: every candidate is scored on --eval with --metric, from memory
      const evalDir = resolvePath(args.options.eval as string, io.cwd);
      const metric = args.options.metric as MetricName;
      const threads = args.options.threads as number | undefined;
      const tuned = await quantizeToTarget(model.toProto(), {
        ...options,
        targetDrop,
        higherIsBetter: higherIsBetter(metric),
        evaluate: async (bytes) => (await evaluateModel(paths.output, evalDir, { metric, threads, bytes })).value,
      });
      tuning = tuned.tuning;
      result = tuned;
    } else result = await quantize(model.toProto(), options);
  } catch (e) {
    const msg = (e as Error).message;
    throw new CliError(msg.includes(paths.input) ? msg : `${paths.input}: ${msg}`, { cause: e });
  } finally {
    progress.done();
  }
  const seconds = (performance.now() - t0) / 1000;
  const out = Model.fromProto(result.model);
  const inputBytes = statSync(paths.input).size;
  const needsExternal = Boolean(args.options['external-data']) || modelBytes(out) > 1.8 * 1024 ** 3;
  let evaluation: QuantizeSummary['eval'];

  // Evaluate and render the report from the bytes in memory, then write the model and the report
  // (each atomically): a failure anywhere leaves no output behind. Only a model that needs
  // external data (too large for one buffer) is written first and evaluated from the file.
  const outBytes = needsExternal ? undefined : serializeModel(out);
  const writeOutput = () => {
    try {
      if (outBytes) writeFileAtomic(paths.output, [outBytes]);
      else saveModel(out, paths.output, { externalData: { location: `${basename(paths.output)}.data` } });
    } catch (e) {
      throw new CliError(`${paths.output}: cannot write the quantized model: ${(e as Error).message}`, { cause: e });
    }
  };
  if (!outBytes) {
    await yieldToEventLoop();
    writeOutput();
  }
  const outputBytes = outBytes ? outBytes.length : statSync(paths.output).size + (existsSync(`${paths.output}.data`) ? statSync(`${paths.output}.data`).size : 0);

  let latency: LatencyComparison | undefined;
  let floatEval: Evaluation | undefined;
  let quantEval: Evaluation | undefined;
  const threads = args.options.threads as number | undefined;
  if (args.options.eval) {
    const dir = resolvePath(args.options.eval as string, io.cwd);
    const metric = args.options.metric as MetricName;
    floatEval = await evaluateModel(paths.input, dir, { metric, threads, progress: createProgress(io, 'eval float', json) });
    quantEval = await evaluateModel(paths.output, dir, { metric, threads, bytes: outBytes, progress: createProgress(io, 'eval quantized', json) });
    latency = await compareLatency(paths.input, paths.output, dir, 10, 1, threads, outBytes);
    const drop = higherIsBetter(metric) ? floatEval.value - quantEval.value : quantEval.value - floatEval.value;
    evaluation = {
      metric,
      samples: floatEval.samples,
      float: floatEval.value,
      quantized: quantEval.value,
      drop,
      latencyMs: { batch: latency.batch, float: latency.float.medianMs, quantized: latency.quantized.medianMs },
    };
  }
  let html: string | undefined;
  if (paths.report) {
    const dataDir = resolvePath((args.options.eval ?? args.options.calib ?? '') as string, io.cwd);
    const data = buildQuantizeReport({
      inputPath: args.positionals[0],
      input: model,
      output: out,
      report: result.report,
      bytes: { float: inputBytes, quantized: outputBytes },
      evaluation: floatEval && quantEval ? { float: floatEval, quantized: quantEval } : undefined,
      latency,
      // the scatter plot is optional: a model the runtime cannot run simply has none
      outputs: await compareOutputs(paths.input, paths.output, dataDir, 256, threads, outBytes).catch(() => undefined),
      options: Object.fromEntries(Object.entries(args.options).filter(([k]) => k !== 'json')) as Record<string, string | number | boolean>,
    });
    await addAnalysis(data, model, result.model, dataDir, inputNames, tuning, args.options.threads as number | undefined);
    html = await renderReportHtml(data);
  }
  // A pending Ctrl-C (the bin's SIGINT handler) runs here, before anything is written: the
  // quantizer's synchronous stretches give it no other chance.
  await yieldToEventLoop();
  if (outBytes) writeOutput();
  if (paths.report && html !== undefined) {
    try {
      writeFileAtomic(paths.report, [new TextEncoder().encode(html)]);
    } catch (e) {
      throw new CliError(`${paths.report}: cannot write the report: ${(e as Error).message}`, { cause: e });
    }
  }
  const summary = summarize(args, paths, result.report, { input: inputBytes, output: outputBytes }, seconds, evaluation);
  if (tuning) summary.tuning = tuningSummary(tuning);
  io.stdout(json ? JSON.stringify(summary, null, 2) + '\n' : formatQuantizeSummary(summary));
}

function summarize(args: ParsedArgs, paths: Paths, r: QuantizeReport, bytes: QuantizeSummary['bytes'], seconds: number, evaluation: QuantizeSummary['eval']): QuantizeSummary {
  return {
    input: args.positionals[0],
    output: args.options.output as string,
    mode: r.mode,
    ...(r.format ? { format: r.format } : {}),
    bytes,
    quantizedNodes: r.quantizedNodes.length,
    keptFloat: r.fallback.map((f) => f.tensor),
    ...(r.outputSqnrDb ? { outputSqnrDb: r.outputSqnrDb } : {}),
    seconds,
    ...(evaluation ? { eval: evaluation } : {}),
    ...(paths.report ? { report: args.options.report as string } : {}),
    warnings: r.warnings,
  };
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

function formatQuantizeSummary(s: QuantizeSummary): string {
  const lines = [
    `${s.output}: ${s.mode}${s.format ? ` ${s.format === 'qoperator' ? 'QOperator' : 'QDQ'}` : ''}, ${s.quantizedNodes} nodes quantized, ${kib(s.bytes.input)} → ${kib(s.bytes.output)} (${((100 * s.bytes.output) / s.bytes.input).toFixed(0)}%), ${s.seconds.toFixed(1)} s`,
  ];
  if (s.keptFloat.length) lines.push(`kept in float: ${s.keptFloat.join(', ')}`);
  if (s.outputSqnrDb) lines.push(`output SQNR on calibration data: ${s.outputSqnrDb.after.toFixed(1)} dB`);
  if (s.eval) {
    const f = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(2) : v.toPrecision(4));
    lines.push(`${s.eval.metric} on ${s.eval.samples} samples: float ${f(s.eval.float)}, quantized ${f(s.eval.quantized)} (drop ${f(s.eval.drop)})`);
    const l = s.eval.latencyMs;
    lines.push(`latency (Octet, batch ${l.batch}, median): float ${l.float.toFixed(3)} ms, quantized ${l.quantized.toFixed(3)} ms`);
  }
  if (s.tuning) lines.push(...formatTuning(s.tuning));
  for (const w of s.warnings) lines.push(`warning: ${w}`);
  if (s.report) lines.push(`report: ${s.report}`);
  return lines.join('\n') + '\n';
}

// --- accuracy-driven mixed precision and per-layer error (issue 6) ---

interface TuningSummary {
  targetDrop: number;
  met: boolean;
  floatMetric: number;
  metric: number;
  drop: number;
  quantizableLayers: number;
  evaluations: number;
  keptFloat: { node: string; opType: string; reason: string }[];
  steps: { keptFloat: number; metric: number; note: string }[];
  /** sensitivity ranking (most sensitive first): output SQNR gain when only that layer stays float */
  ranking: { node: string; opType: string; gainDb: number }[];
}

function tuningSummary(t: MixedPrecisionReport): TuningSummary {
  return {
    targetDrop: t.targetDrop,
    met: t.met,
    floatMetric: t.floatMetric,
    metric: t.metric,
    drop: t.drop,
    quantizableLayers: t.quantizableLayers,
    evaluations: t.evaluations,
    keptFloat: t.kept.map((k) => ({ node: k.node, opType: k.opType, reason: k.reason })),
    steps: t.steps.map((s) => ({ keptFloat: s.keptFloat.length, metric: s.metric, note: s.note })),
    ranking: t.ranking.map((l) => ({ node: l.node, opType: l.opType, gainDb: l.gainDb })),
  };
}

function formatTuning(t: TuningSummary): string[] {
  const f = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(2) : v.toPrecision(4));
  const lines = [
    `target drop ${t.targetDrop}: ${t.met ? 'met' : 'NOT met'} — ${t.keptFloat.length} of ${t.quantizableLayers} layers kept in float, metric ${f(t.metric)} vs float ${f(t.floatMetric)} (${t.evaluations} evaluations)`,
  ];
  for (const k of t.keptFloat) lines.push(`  float: ${k.node} (${k.opType}): ${k.reason}`);
  return lines;
}

/** The report's per-layer error and tuning sections; a model the runtime cannot run simply has no per-layer section. */
async function addAnalysis(
  data: import('@octet/report').ReportData,
  input: Model,
  output: import('onnx-buf').ModelProto,
  dataDir: string,
  inputNames: readonly string[],
  tuning: MixedPrecisionReport | undefined,
  threads: number | undefined,
): Promise<void> {
  const kept = new Set(tuning?.kept.map((k) => k.node) ?? []);
  try {
    const part = readDataPart(dataParts(dataDir)[0], inputNames, { labels: 'ignore' });
    const rows = await compareLayers(input.toProto(), output, part.feeds as unknown as Feeds, { executor: createOctetExecutor({ threads }), maxSamples: 64 });
    data.layers = rows.map((r) => ({ name: r.tensor, opType: r.opType, sqnrDb: r.sqnrDb, cosine: r.cosine, maxAbsError: r.maxAbsError, keptFloat: kept.has(r.node) || undefined }));
  } catch {
    // no per-layer section
  }
  if (tuning) {
    data.tuning = {
      metric: data.summary?.metrics?.[0]?.name ?? 'metric',
      higherIsBetter: tuning.higherIsBetter,
      isFraction: data.summary?.metrics?.[0]?.isFraction,
      floatMetric: tuning.floatMetric,
      targetDrop: tuning.targetDrop,
      steps: tuning.steps.map((s) => ({ step: s.step, keptFloat: s.keptFloat, metric: s.metric, note: s.note })),
      keptFloat: tuning.kept.map((k) => k.node),
      quantizableLayers: tuning.quantizableLayers,
    };
  }
}
