import type { Model } from './ir/model.js';

export interface InferOptions {
  /** Throw OnnxShapeError on inconsistent inputs (default true); false skips such nodes. */
  strict?: boolean;
  /** Record inferred types of intermediate values in value_info (default true). */
  writeValueInfo?: boolean;
}

/** Shape and type inference (filled in by the next commit). */
export function inferShapes(_model: Model, _opts: InferOptions = {}): void {}
