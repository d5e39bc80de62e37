// Messages between the page (src/page) and the quantization worker (src/worker).
import bundled from './bundled-models.json' with { type: 'json' };

export type MetricName = 'accuracy' | 'rmse';

export interface BundledModel {
  /** folder under models/ (a copy of test-data/fixtures/<id>: model, calib/, test/ with labels) */
  id: string;
  title: string;
  metric: MetricName;
  /** graph inputs; input K's data is calib/input_K.pb and test/input_K.pb */
  inputs: number;
}

export const BUNDLED_MODELS: readonly BundledModel[] = bundled.models as BundledModel[];

export type ModelChoice = { kind: 'bundled'; id: string } | { kind: 'file'; name: string; bytes: ArrayBuffer };

export interface QuantizeSettings {
  mode: 'static' | 'dynamic';
  calibrationMethod: 'minmax' | 'percentile' | 'entropy';
}

export type ToWorker = { type: 'env' } | { type: 'quantize'; model: ModelChoice; settings: QuantizeSettings };

export interface Environment {
  crossOriginIsolated: boolean;
  threads: number;
  /** kernel build in use: simd, relaxed (SIMD + VNNI dot products) or threads */
  variant: string;
}

export interface PlaygroundResult {
  modelName: string;
  fileName: string;
  /** what the comparison data was: the bundled test set, or random inputs for a dropped model */
  data: { kind: 'bundled' | 'random'; samples: number };
  metric?: { name: MetricName; higherIsBetter: boolean; isFraction: boolean; float: number; quantized: number; samples: number };
  /** quantized vs float outputs on the comparison data */
  agreement: { output: string; sqnrDb: number; maxAbsError: number };
  sizeBytes: { float: number; quantized: number };
  latencyMs: { float: number; quantized: number; runs: number; batch: number };
  quantizedNodes: number;
  nodes: number;
  quantizeSeconds: number;
  warnings: string[];
  env: Environment;
  reportHtml: string;
  /** the quantized model (transferred) */
  quantized: ArrayBuffer;
}

export type FromWorker =
  | { type: 'env'; env: Environment }
  | { type: 'progress'; message: string; fraction?: number }
  | { type: 'done'; result: PlaygroundResult }
  | { type: 'error'; message: string };
