// Sensitivity ranking: for each quantized layer, how much the model's output error improves when
// only that layer is kept in float ("keep one in float"), on the calibration data.
import type { ModelProto } from 'onnx-buf';
import type { QuantizeOptions } from '../options.js';
import { StaticBase } from './static-base.js';

export interface LayerSensitivity {
  /** node name in the prepared model */
  node: string;
  opType: string;
  /** output SQNR (dB, calibration data) with only this layer kept in float */
  outputSqnrDb: number;
  /** gain over the fully quantized model (dB); higher = more sensitive */
  gainDb: number;
}

export interface SensitivityResult {
  /** output SQNR of the fully quantized model (after the automatic fallback) */
  baselineSqnrDb: number;
  /** most sensitive first */
  layers: LayerSensitivity[];
}

export async function rankLayers(base: StaticBase, onProgress?: (fraction: number) => void): Promise<SensitivityResult> {
  const baselineSqnrDb = await base.outputSqnrDb(base.build([]));
  const layers: LayerSensitivity[] = [];
  for (const [i, l] of base.layers.entries()) {
    onProgress?.(i / base.layers.length);
    const db = await base.outputSqnrDb(base.build([l.node]));
    layers.push({ node: l.node, opType: l.opType, outputSqnrDb: db, gainDb: db - baselineSqnrDb });
  }
  onProgress?.(1);
  // stable: equal gains keep graph order
  layers.sort((a, b) => b.gainDb - a.gainDb || (Number.isNaN(a.gainDb) ? 1 : 0));
  return { baselineSqnrDb, layers };
}

/**
 * Ranks the layers a static quantization of `model` would quantize by sensitivity (see
 * `LayerSensitivity`). Options are `quantize`'s (static mode: calibration data and an executor).
 */
export async function layerSensitivity(model: ModelProto | Uint8Array, options: QuantizeOptions): Promise<SensitivityResult> {
  const base = await StaticBase.create(model, options);
  return rankLayers(base, (f) => options.onProgress?.({ stage: 'sensitivity', fraction: f, message: 'ranking layers' }));
}
