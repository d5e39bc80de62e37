// The shared front half of static quantization: bring external data inline, calibrate every
// tensor around a candidate node, and derive the QDQ options. Used by `quantize` and by the
// analysis tools (sensitivity, accuracy-driven tuning), which must calibrate exactly the same way.
import { toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, type ModelProto } from 'onnx-buf';
import { calibrate, type CalibrationResult } from '../calibration/calibrate.js';
import { EntropyCollector, MseCollector, PercentileCollector } from '../calibration/histogram.js';
import { MinMaxCollector } from '../calibration/minmax.js';
import type { RangeCollector } from '../calibration/range-collector.js';
import { QuantizerError } from '../errors.js';
import { defaultsFor, type ProgressEvent, type QuantizeOptions } from '../options.js';
import type { QuantizeReport } from '../report.js';
import { SUPPORTED_STATIC_OPS } from './op-classes.js';
import { defaultWeightSymmetric, type QdqOptions } from './qdq.js';

export function makeCollector(opts: QuantizeOptions): RangeCollector {
  switch (opts.calibrationMethod ?? 'minmax') {
    case 'minmax':
      return new MinMaxCollector({ movingAverage: opts.movingAverage });
    case 'percentile':
      return new PercentileCollector({ percentile: opts.percentile, bins: opts.histogramBins });
    case 'entropy':
      return new EntropyCollector({ bins: opts.histogramBins });
    case 'mse':
      return new MseCollector({ bins: opts.histogramBins });
    default:
      throw new QuantizerError(`unknown calibration method '${String(opts.calibrationMethod)}'`);
  }
}

/** Calibration runs the model from memory: tensors kept in external data are brought inline. */
export function inlineExternalData(model: ModelProto, external: QuantizeOptions['external']): void {
  for (const t of model.graph!.initializer) {
    if (t.dataLocation !== 1) continue;
    if (!external) throw new QuantizerError(`tensor '${t.name}' lives in external data but no reader was given (use quantizeFile or options.external)`);
    t.rawData = external(t).slice();
    t.dataLocation = 0;
    t.externalData = [];
  }
}

export interface StaticCalibration {
  floatBytes: Uint8Array;
  cal: CalibrationResult;
  /** QDQ options for a full quantization; `floatTensors` starts empty */
  qdq: QdqOptions;
}

/** Calibrates `model` (already prepared, external data inline) and records it in `report`. */
export async function calibrateStatic(
  model: ModelProto,
  opTypes: ReadonlySet<string>,
  options: QuantizeOptions,
  report: QuantizeReport,
  progress: (e: ProgressEvent) => void,
): Promise<StaticCalibration> {
  const { activationType, weightType } = defaultsFor(options);
  // Tensors to observe: every input and output of a candidate node.
  const graph = model.graph!;
  const inits = new Set(graph.initializer.map((t) => t.name));
  const observe = new Set<string>();
  for (const n of graph.node) {
    if (!opTypes.has(n.opType)) continue;
    for (const t of [...n.input, ...n.output]) if (t && !inits.has(t)) observe.add(t);
  }
  const floatBytes = toBinary(ModelProtoSchema, model);
  progress({ stage: 'calibrate', message: `calibrating ${observe.size} tensors` });
  const cal = await calibrate(floatBytes, [...observe], options.calibration!, options.executor!, makeCollector(options), {
    batchSize: options.calibrationBatchSize,
    onBatch: (b) => progress({ stage: 'calibrate', message: `batch ${b}` }),
  });
  report.calibration = { method: options.calibrationMethod ?? 'minmax', batches: cal.batches, ranges: cal.ranges.size };
  const qdq: QdqOptions = {
    activationType,
    weightType,
    activationSymmetric: options.activationSymmetric ?? false,
    weightSymmetric: options.weightSymmetric ?? defaultWeightSymmetric(weightType),
    perChannel: options.perChannel ?? true,
    reduceRange: options.reduceRange ?? false,
    opTypes: new Set([...opTypes].filter((o) => SUPPORTED_STATIC_OPS.has(o))),
    excludeNodes: new Set(options.excludeNodes ?? []),
    floatTensors: new Set(),
    removeActivations: true,
    external: options.external,
  };
  return { floatBytes, cal, qdq };
}
