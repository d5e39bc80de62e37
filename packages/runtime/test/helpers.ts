import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeTensorProto } from '@octet/onnx';
import { tensorFromProto, type Tensor } from '../src/index.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const testData = (p: string) => `${repoRoot}test-data/${p}`;

export function readTensorPb(path: string): Tensor {
  return tensorFromProto(decodeTensorProto(new Uint8Array(readFileSync(path))), path);
}
