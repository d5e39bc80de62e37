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

/** A file the user gave; for a model's side files, `name` is its path relative to the model's folder. */
export interface UserFile {
  name: string;
  bytes: ArrayBuffer;
}

/**
 * A bundled model, or a dropped one with the files dropped beside it (its external data, when
 * the model keeps tensors in side files such as `model.onnx.data`).
 */
export type ModelChoice = { kind: 'bundled'; id: string } | { kind: 'file'; name: string; bytes: ArrayBuffer; sideFiles: UserFile[] };

/** Labelled data of the user's own for a dropped model (src/worker/user-data.ts reads it). */
export interface UserData {
  files: UserFile[];
  metric: MetricName;
}

export interface QuantizeSettings {
  mode: 'static' | 'dynamic';
  calibrationMethod: 'minmax' | 'percentile' | 'entropy';
}

export type ToWorker = { type: 'env' } | { type: 'quantize'; model: ModelChoice; settings: QuantizeSettings; data?: UserData };

export interface Environment {
  crossOriginIsolated: boolean;
  threads: number;
  /** kernel build in use: simd, relaxed (SIMD + VNNI dot products) or threads */
  variant: string;
}

export interface PlaygroundResult {
  modelName: string;
  /** the download's main file (`<name>.int8.onnx`) */
  fileName: string;
  /** what the comparison data was: the bundled test set, the user's labelled data, or random inputs */
  data: { kind: 'bundled' | 'user' | 'random'; samples: number };
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
  /**
   * The quantized model to download: one self-contained .onnx, or (over protobuf's 2 GiB limit)
   * the .onnx plus its external data file.
   */
  files: { name: string; blob: Blob }[];
}

export type FromWorker =
  | { type: 'env'; env: Environment }
  | { type: 'progress'; message: string; fraction?: number }
  | { type: 'done'; result: PlaygroundResult }
  | { type: 'error'; message: string };
