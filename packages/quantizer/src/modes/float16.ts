import type { ModelProto } from 'onnx-buf';
import type { ExternalLoader } from '../model/tensors.js';
export interface Float16Options {
  blockOps: ReadonlySet<string>;
  keepIoTypes: boolean;
  excludeNodes: ReadonlySet<string>;
  external?: ExternalLoader;
}
export function convertFloat16(_model: ModelProto, _o: Float16Options) {
  return { convertedNodes: [] as string[] };
}
