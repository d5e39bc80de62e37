import type { ModelProto } from 'onnx-buf';
import type { ExternalLoader } from '../model/tensors.js';
export interface WeightOnlyOptions {
  bits: 4 | 8;
  blockSize: number;
  symmetric: boolean;
  format: 'matmulnbits' | 'qdq';
  excludeNodes: ReadonlySet<string>;
  external?: ExternalLoader;
  onProgress?: (f: number) => void;
}
export function quantizeWeightOnly(_model: ModelProto, _o: WeightOnlyOptions) {
  return { quantizedNodes: [] as string[], weights: [] as { tensor: string; node: string; axis?: number; channels: number; type: string }[] };
}
