import type { ModelProto } from 'onnx-buf';
export function convertQdqToQOperator(_model: ModelProto): { fused: number } {
  return { fused: 0 };
}
