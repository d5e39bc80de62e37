import type { ModelProto } from 'onnx-buf';
import type { ExternalLoader } from '../model/tensors.js';
export interface DynamicOptions {
  weightType: 'int8' | 'uint8';
  perChannel: boolean;
  reduceRange: boolean;
  weightSymmetric?: boolean;
  opTypes: ReadonlySet<string>;
  excludeNodes: ReadonlySet<string>;
  fused: boolean;
  external?: ExternalLoader;
}
export function quantizeDynamic(_model: ModelProto, _o: DynamicOptions) {
  return { quantizedNodes: [] as string[], weights: [] as { tensor: string; node: string; axis?: number; channels: number; type: string }[] };
}
