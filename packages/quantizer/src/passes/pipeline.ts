import type { ModelProto } from 'onnx-buf';
import { constantsToInitializers } from './constants-to-initializers.js';
import { foldBatchNorm } from './fold-batch-norm.js';
import { foldConstants } from './fold-constants.js';
import { fuseMatMulAdd } from './fuse-matmul-add.js';
import { inlineFunctions } from './inline-functions.js';
import { inferShapesPass } from './infer-shapes.js';
import { normalizeOpset } from './normalize-opset.js';
import { topoSort } from '../model/graph.js';
import type { ExternalLoader } from '../model/tensors.js';
import type { QuantizeMode } from '../options.js';

export interface PassContext {
  mode: QuantizeMode;
  external?: ExternalLoader;
  /** element type and rank per value, from the infer-shapes pass */
  shapes?: Map<string, { elemType?: number; rank?: number }>;
}

export interface PassResult {
  name: string;
  changed: boolean;
  detail?: string;
}

/** A preparation pass: Model → Model (may edit in place and return the same object). */
export interface Pass {
  name: string;
  run(model: ModelProto, ctx: PassContext): { model: ModelProto; changed: boolean; detail?: string };
}

export const PREPARATION_PASSES: Pass[] = [
  inlineFunctions,
  normalizeOpset,
  constantsToInitializers,
  foldConstants,
  inferShapesPass,
  foldBatchNorm,
  fuseMatMulAdd,
];

/** The one visible preparation pipeline. */
export function prepare(model: ModelProto, ctx: PassContext): { model: ModelProto; passes: PassResult[] } {
  const passes: PassResult[] = [];
  let m = model;
  for (const p of PREPARATION_PASSES) {
    const r = p.run(m, ctx);
    m = r.model;
    passes.push({ name: p.name, changed: r.changed, detail: r.detail });
  }
  topoSort(m.graph!);
  return { model: m, passes };
}
