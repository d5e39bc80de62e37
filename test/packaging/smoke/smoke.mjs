// Runs inside a clean project where the @octet/* tarballs were installed from `npm pack` (no
// workspace links): quantize a fixture, run it through onnxruntime-common on the octet backend,
// print one JSON line with what happened. Usage: node smoke.mjs <fixtureDir>
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-common';
import { register } from '@octet/runtime-node';
import { quantize, createOrtExecutor } from '@octet/quantizer';
import { readDataDir, readLabels } from '@octet/quantizer/node';
import { encodeModelProto } from '@octet/onnx';
import { renderReport } from '@octet/report';

const dir = process.argv[2];
register(ort, { numThreads: 1 });
const octet = { executionProviders: ['octet'] };

const floatBytes = readFileSync(join(dir, 'model.onnx'));
const { model } = await quantize(floatBytes, {
  mode: 'static',
  calibration: readDataDir(join(dir, 'calib'), ['x']),
  executor: createOrtExecutor(ort, octet),
});
const int8Bytes = encodeModelProto(model);

const x = readDataDir(join(dir, 'test'), ['x']).x;
const labels = Array.from(readLabels(join(dir, 'test')).data, Number);
async function rmse(bytes) {
  const session = await ort.InferenceSession.create(bytes, octet);
  const out = await session.run({ x: new ort.Tensor('float32', x.data, x.dims) });
  const y = out[session.outputNames[0]].data;
  await session.release();
  let s = 0;
  for (let i = 0; i < labels.length; i++) s += (y[i] - labels[i]) ** 2;
  return { rmse: Math.sqrt(s / labels.length), values: Array.from(y) };
}
const float = await rmse(floatBytes);
const int8 = await rmse(int8Bytes);
const html = await renderReport({ model: { name: 'smoke' }, outputs: [{ name: 'y', float: Float32Array.from(float.values), quantized: Float32Array.from(int8.values) }] });

console.log(JSON.stringify({
  floatRmse: float.rmse,
  int8Rmse: int8.rmse,
  floatBytes: floatBytes.length,
  int8Bytes: int8Bytes.length,
  quantizedOps: model.graph.node.filter((n) => n.opType === 'QuantizeLinear' || n.opType === 'DequantizeLinear').length,
  reportHasSvg: html.includes('<svg'),
}));
