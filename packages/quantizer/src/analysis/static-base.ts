// One preparation + calibration + automatic fallback, then any number of static quantizations of
// the same model that differ only in which layers stay float. Sensitivity and accuracy-driven
// tuning build dozens of candidates; re-calibrating each would dominate their cost.
import { clone, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, type ModelProto } from 'onnx-buf';
import type { CalibrationResult } from '../calibration/calibrate.js';
import { batches } from '../calibration/data.js';
import { QuantizerError } from '../errors.js';
import { runAll, type Feeds, type HostTensor } from '../executor/executor.js';
import { DEFAULT_STATIC_OPS, REMOVABLE_ACTIVATIONS, SHARED_PARAM_OPS } from '../modes/op-classes.js';
import { insertQdq, type QdqOptions, type QdqResult } from '../modes/qdq.js';
import { calibrateStatic, inlineExternalData } from '../modes/static-calibration.js';
import { convertQdqToQOperator } from '../modes/qoperator.js';
import type { QuantizeOptions } from '../options.js';
import { prepare } from '../passes/pipeline.js';
import { emptyReport, type QuantizeReport } from '../report.js';
import { autoFallback } from '../sensitivity.js';
import { ErrorStats } from './error-stats.js';
import { toModelProto } from './compare-layers.js';

export interface Candidate {
  model: ModelProto;
  bytes: Uint8Array;
  result: QdqResult;
  /** layers (node names) kept in float on top of the user's excludeNodes */
  keptFloat: string[];
}

export class StaticBase {
  private weightCache: NonNullable<QdqOptions['weightCache']> = new Map();
  private floatOutputs?: Record<string, HostTensor>[];
  private feeds?: Feeds[];

  private constructor(
    readonly prepared: ModelProto,
    readonly floatBytes: Uint8Array,
    readonly cal: CalibrationResult,
    readonly qdq: QdqOptions,
    readonly options: QuantizeOptions,
    readonly report: QuantizeReport,
    /** layers every candidate may keep in float: the compute nodes of the full quantization */
    readonly layers: { node: string; opType: string }[],
  ) {}

  static async create(input: ModelProto | Uint8Array, options: QuantizeOptions): Promise<StaticBase> {
    if ((options.mode ?? 'static') !== 'static') throw new QuantizerError(`sensitivity and accuracy-driven tuning need static quantization (got mode '${options.mode}')`);
    if (!options.calibration) throw new QuantizerError('static quantization needs calibration data (options.calibration)');
    if (!options.executor) throw new QuantizerError('static quantization needs an executor to run the float model (options.executor)');
    const progress = options.onProgress ?? (() => {});
    const report = emptyReport('static');
    report.format = options.format ?? 'qdq';
    let model = clone(ModelProtoSchema, toModelProto(input, 'input'));
    if (!model.graph) throw new QuantizerError('model has no graph');
    if (!options.skipPreparation) {
      progress({ stage: 'prepare', message: 'preparing the graph' });
      const prep = prepare(model, { mode: 'static', external: options.external });
      model = prep.model;
      report.passes.push(...prep.passes);
    }
    inlineExternalData(model, options.external);
    // Layers are kept in float by node name: give unnamed nodes one.
    const names = new Set(model.graph!.node.map((n) => n.name).filter(Boolean));
    model.graph!.node.forEach((n, i) => {
      if (n.name) return;
      let name = `${n.opType}_${i}`;
      while (names.has(name)) name += '_';
      names.add(name);
      n.name = name;
    });

    const opTypes = new Set(options.opTypes ?? DEFAULT_STATIC_OPS);
    const { floatBytes, cal, qdq } = await calibrateStatic(model, opTypes, options, report, progress);
    if (options.autoFallback ?? true) {
      progress({ stage: 'sensitivity', message: 'checking quantization sensitivity on calibration data' });
      const fb = await autoFallback(model, floatBytes, cal, qdq, options, (f) => progress({ stage: 'sensitivity', fraction: f, message: 'automatic fallback' }));
      qdq.floatTensors = fb.floatTensors;
      report.fallback = fb.fallback;
      report.outputSqnrDb = fb.outputSqnrDb;
    }
    const base = new StaticBase(model, floatBytes, cal, qdq, options, report, []);
    const full = base.build([]);
    const byName = new Map(model.graph!.node.map((n) => [n.name, n.opType]));
    for (const name of full.result.quantizedNodes) {
      const op = byName.get(name);
      if (op && !SHARED_PARAM_OPS.has(op) && !REMOVABLE_ACTIVATIONS.has(op)) base.layers.push({ node: name, opType: op });
    }
    return base;
  }

  /** The static quantization with `keep` (node names) left in float. */
  build(keep: readonly string[]): Candidate {
    const m = clone(ModelProtoSchema, this.prepared);
    const result = insertQdq(m, this.cal.ranges, this.cal.types, {
      ...this.qdq,
      excludeNodes: new Set([...this.qdq.excludeNodes, ...keep]),
      weightCache: this.weightCache,
    });
    if ((this.options.format ?? 'qdq') === 'qoperator') convertQdqToQOperator(m);
    return { model: m, bytes: toBinary(ModelProtoSchema, m), result, keptFloat: [...keep] };
  }

  /** Output SQNR (dB) of a candidate against the float model on (up to 32 samples of) the calibration data. */
  async outputSqnrDb(c: Candidate): Promise<number> {
    const executor = this.options.executor!;
    if (!this.feeds) {
      this.feeds = [];
      for await (const b of batches(this.options.calibration!, this.options.calibrationBatchSize ?? 16, 32)) this.feeds.push(b);
      this.floatOutputs = await runAll(executor, this.floatBytes, [], this.feeds);
    }
    const out = await runAll(executor, c.bytes, [], this.feeds);
    const s = new ErrorStats();
    const names = this.prepared.graph!.output.map((o) => o.name);
    out.forEach((r, i) => {
      for (const o of names) {
        const a = this.floatOutputs![i][o];
        const b = r[o];
        if (a?.type === 'float32' && b?.type === 'float32') s.add(a.data as Float32Array, b.data as Float32Array);
      }
    });
    return s.summary().sqnrDb;
  }

  /** The QuantizeReport of a candidate, as `quantize` fills it. */
  reportFor(c: Candidate, seconds: number): QuantizeReport {
    const r = c.result;
    const report: QuantizeReport = {
      ...this.report,
      passes: [...this.report.passes],
      warnings: [...this.report.warnings],
      quantizedNodes: r.quantizedNodes,
      activations: [...r.activations].map(([tensor, p]) => ({ tensor, min: p.range.min, max: p.range.max, scale: p.scale, zeroPoint: p.zeroPoint, type: p.type })),
      weights: r.weights.map((w) => ({ tensor: w.name, node: w.node, axis: w.axis, channels: w.scales.length, type: w.type, biasScaleAdjusted: w.biasAdjusted })),
      seconds,
    };
    if (r.removedActivations.length) report.passes.push({ name: 'remove-clamping-activations', changed: true, detail: r.removedActivations.join(', ') });
    return report;
  }
}

