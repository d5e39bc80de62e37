import { clone } from '@bufbuild/protobuf';
import { decodeModelProto } from '@octet/onnx';
import { ModelProtoSchema, type ModelProto } from 'onnx-buf';
import { QuantizerError } from './errors.js';
import { DEFAULT_STATIC_OPS, SUPPORTED_STATIC_OPS } from './modes/op-classes.js';
import { insertQdq } from './modes/qdq.js';
import { calibrateStatic, inlineExternalData } from './modes/static-calibration.js';
import { convertQdqToQOperator } from './modes/qoperator.js';
import { DEFAULT_DYNAMIC_OPS, quantizeDynamic } from './modes/dynamic.js';
import { quantizeWeightOnly } from './modes/weight-only.js';
import { convertFloat16 } from './modes/float16.js';
import { autoFallback } from './sensitivity.js';
import type { QuantizeOptions } from './options.js';
import { prepare } from './passes/pipeline.js';
import { emptyReport, type QuantizeReport } from './report.js';

export interface QuantizeResult {
  model: ModelProto;
  report: QuantizeReport;
}



/** Accepts a ModelProto or its serialized bytes; never mutates the caller's model. */
function toModel(model: ModelProto | Uint8Array): ModelProto {
  if (model instanceof Uint8Array) {
    try {
      return decodeModelProto(model); // the strict decoder: dims and payload sizes checked
    } catch (e) {
      throw new QuantizerError(`input is not a valid ONNX model: ${(e as Error).message}`);
    }
  }
  return clone(ModelProtoSchema, model);
}

/**
 * Quantize a float ONNX model. Pipeline (each step Model → Model):
 * prepare (shape/type facts, BatchNorm folding, Gemm fusion, constant folding, opset
 * normalisation, function inlining) → calibrate (static) → quantize (mode) → fallback (static)
 * → finalize (QOperator fusion, cleanup).
 */
export async function quantize(input: ModelProto | Uint8Array, options: QuantizeOptions = {}): Promise<QuantizeResult> {
  const t0 = Date.now();
  const mode = options.mode ?? (options.calibration ? 'static' : 'dynamic');
  const report = emptyReport(mode);
  const progress = options.onProgress ?? (() => {});
  let model = toModel(input);
  if (!model.graph) throw new QuantizerError('model has no graph');

  if (!options.skipPreparation) {
    progress({ stage: 'prepare', message: 'preparing the graph' });
    const prep = prepare(model, { mode, external: options.external });
    model = prep.model;
    report.passes.push(...prep.passes);
  }

  switch (mode) {
    case 'static':
      await quantizeStatic(model, options, report);
      break;
    case 'dynamic': {
      progress({ stage: 'quantize', message: 'dynamic quantization' });
      const r = quantizeDynamic(model, {
        weightType: (options.weightType ?? 'int8') as 'int8' | 'uint8',
        perChannel: options.perChannel ?? false,
        reduceRange: options.reduceRange ?? false,
        weightSymmetric: options.weightSymmetric,
        opTypes: new Set(options.opTypes ?? DEFAULT_DYNAMIC_OPS),
        excludeNodes: new Set(options.excludeNodes ?? []),
        fused: options.dynamicMatMul === 'fused',
        external: options.external,
      });
      report.quantizedNodes = r.quantizedNodes;
      report.weights = r.weights;
      break;
    }
    case 'weight-only': {
      progress({ stage: 'quantize', message: 'weight-only quantization' });
      const r = quantizeWeightOnly(model, {
        bits: options.bits ?? 4,
        blockSize: options.blockSize ?? 32,
        symmetric: options.symmetric ?? true,
        format: options.weightOnlyFormat ?? 'matmulnbits',
        excludeNodes: new Set(options.excludeNodes ?? []),
        external: options.streamingExternal ?? options.external,
        onProgress: (f) => progress({ stage: 'quantize', fraction: f, message: 'weight-only quantization' }),
      });
      report.quantizedNodes = r.quantizedNodes;
      report.weights = r.weights;
      break;
    }
    case 'float16': {
      progress({ stage: 'quantize', message: 'float16 conversion' });
      const r = convertFloat16(model, {
        blockOps: new Set(options.float16BlockOps ?? []),
        keepIoTypes: options.keepIoTypes ?? true,
        excludeNodes: new Set(options.excludeNodes ?? []),
        external: options.external,
      });
      report.quantizedNodes = r.convertedNodes;
      break;
    }
    default:
      throw new QuantizerError(`unknown mode '${String(mode)}'`);
  }
  progress({ stage: 'finalize', message: 'done' });
  report.seconds = (Date.now() - t0) / 1000;
  return { model, report };
}

async function quantizeStatic(model: ModelProto, options: QuantizeOptions, report: QuantizeReport): Promise<void> {
  const progress = options.onProgress ?? (() => {});
  if (!options.calibration) throw new QuantizerError('static quantization needs calibration data (options.calibration)');
  if (!options.executor) throw new QuantizerError('static quantization needs an executor to run the float model (options.executor)');
  const format = options.format ?? 'qdq';
  report.format = format;
  const opTypes = new Set(options.opTypes ?? DEFAULT_STATIC_OPS);
  for (const op of opTypes) if (!SUPPORTED_STATIC_OPS.has(op)) report.warnings.push(`op type '${op}' is not supported for static quantization; left in float`);

  inlineExternalData(model, options.external);
  const { floatBytes, cal, qdq: qdqOptions } = await calibrateStatic(model, opTypes, options, report, progress);

  let floatTensors = new Set<string>();
  let built: { model: ModelProto; result: ReturnType<typeof insertQdq> } | undefined;
  if (options.autoFallback ?? true) {
    progress({ stage: 'sensitivity', message: 'checking quantization sensitivity on calibration data' });
    const fb = await autoFallback(model, floatBytes, cal, qdqOptions, options, (f) =>
      progress({ stage: 'sensitivity', fraction: f, message: 'sensitivity' }),
    );
    floatTensors = fb.floatTensors;
    built = fb.built;
    report.fallback = fb.fallback;
    report.outputSqnrDb = fb.outputSqnrDb;
  }

  progress({ stage: 'quantize', message: `inserting QDQ (${format})` });
  let r: ReturnType<typeof insertQdq>;
  if (built) {
    // the fallback search already built exactly this model
    model.graph = built.model.graph;
    model.opsetImport = built.model.opsetImport;
    model.irVersion = built.model.irVersion;
    r = built.result;
  } else r = insertQdq(model, cal.ranges, cal.types, { ...qdqOptions, floatTensors });
  report.quantizedNodes = r.quantizedNodes;
  report.activations = [...r.activations].map(([tensor, p]) => ({
    tensor,
    min: p.range.min,
    max: p.range.max,
    scale: p.scale,
    zeroPoint: p.zeroPoint,
    type: p.type,
  }));
  report.weights = r.weights.map((w) => ({ tensor: w.name, node: w.node, axis: w.axis, channels: w.scales.length, type: w.type, biasScaleAdjusted: w.biasAdjusted }));
  if (r.removedActivations.length) report.passes.push({ name: 'remove-clamping-activations', changed: true, detail: r.removedActivations.join(', ') });
  if (format === 'qoperator') {
    const q = convertQdqToQOperator(model);
    report.passes.push({ name: 'fuse-qoperator', changed: q.fused > 0, detail: `${q.fused} nodes converted` });
  }
}
