// Runs ONNX backend node tests (test-data/onnx-tests/node/<case>/) on the runtime.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { decodeModelProto } from '@octet/onnx';
import { createSessionSync, type KernelProvider, type Tensor, type TensorValue } from '../src/index.js';
import { readTensorPb, testData } from './helpers.js';

export const casesDir = testData('onnx-tests/node');

export interface CaseResult {
  name: string;
  op: string;
  ok: boolean;
  error?: string;
}

export function listCases(): string[] {
  return existsSync(casesDir) ? readdirSync(casesDir).filter((d) => d.startsWith('test_')).sort() : [];
}

/** The op a case tests: the only op type in its model (or in the model of its non-expanded form). */
export function opOfCase(name: string): string {
  const base = name.endsWith('_expanded') && existsSync(`${casesDir}/${name.slice(0, -9)}`) ? name.slice(0, -9) : name;
  const m = decodeModelProto(new Uint8Array(readFileSync(`${casesDir}/${base}/model.onnx`)));
  const ops = new Set(m.graph!.node.map((n) => n.opType));
  return ops.size === 1 ? [...ops][0] : [...ops].join('+');
}

// ONNX's backend test defaults.
const RTOL = 1e-3;
const ATOL = 1e-7;

function compare(out: TensorValue, ref: Tensor, what: string): string | undefined {
  if (out.type !== ref.dtype) return `${what}: type ${out.type}, expected ${ref.dtype}`;
  if (out.dims.length !== ref.dims.length || out.dims.some((d, i) => d !== ref.dims[i])) {
    return `${what}: dims [${out.dims.join(', ')}], expected [${ref.dims.join(', ')}]`;
  }
  const a = out.data;
  const b = ref.data;
  const float = ref.dtype === 'float32' || ref.dtype === 'float64';
  for (let i = 0; i < b.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (float) {
      if (Number.isNaN(y) ? !Number.isNaN(x) : !(Math.abs(x - y) <= ATOL + RTOL * Math.abs(y) || x === y)) {
        return `${what}[${i}] = ${x}, expected ${y}`;
      }
    } else if (x !== y) return `${what}[${i}] = ${x}, expected ${y}`;
  }
  return undefined;
}

export function runCase(name: string, kernels?: KernelProvider): CaseResult {
  const dir = `${casesDir}/${name}`;
  const op = opOfCase(name);
  try {
    const s = createSessionSync(new Uint8Array(readFileSync(`${dir}/model.onnx`)), { kernels });
    const sets = readdirSync(dir).filter((d) => d.startsWith('test_data_set_')).sort();
    for (const set of sets) {
      const feeds: Record<string, TensorValue> = {};
      s.inputNames.forEach((n, i) => {
        const t = readTensorPb(`${dir}/${set}/input_${i}.pb`);
        feeds[n] = { type: t.dtype, dims: t.dims, data: t.data };
      });
      const out = s.runSync(feeds);
      for (let k = 0; k < s.outputNames.length; k++) {
        const path = `${dir}/${set}/output_${k}.pb`;
        if (!existsSync(path)) continue;
        const err = compare(out[s.outputNames[k]], readTensorPb(path), `${set} output ${s.outputNames[k]}`);
        if (err) return { name, op, ok: false, error: err };
      }
    }
    s.dispose();
    return { name, op, ok: true };
  } catch (e) {
    return { name, op, ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}
