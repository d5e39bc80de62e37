// ONNX codec suite (benchmarks/onnx) → decode/encode medians and peak memory per model and op,
// one column per implementation (@octet/onnx, protobufjs, @bufbuild/protobuf).
import type { OnnxCodecRow, SuiteMethod } from './types.js';
import { arrayField, isObject, num, str, type Json } from './suite-json.js';

export function onnxCodecSection(json: Json): SuiteMethod & { rows: OnnxCodecRow[] } {
  const byKey = new Map<string, OnnxCodecRow>();
  for (const r of arrayField('onnx', json, 'rows')) {
    if (!isObject(r)) continue;
    const model = str(r.model);
    const op = str(r.op);
    const impl = str(r.impl);
    if (!model || !op || !impl) continue;
    const key = `${model}\u0000${op}`;
    let row = byKey.get(key);
    if (!row) byKey.set(key, (row = { model, op, medianMs: {}, peakRatio: {} }));
    const ms = num(r.medianMs);
    const peak = num(r.peakRatio);
    if (ms !== undefined) row.medianMs[impl] = ms;
    if (peak !== undefined) row.peakRatio[impl] = peak;
  }
  return { method: str(json.method) ?? '', rows: [...byKey.values()] };
}
