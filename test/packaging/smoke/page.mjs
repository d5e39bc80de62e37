// Browser entry of the packaging smoke test, bundled with esbuild from the installed tarballs:
// quantize the regression fixture in the page and run float and int8 through onnxruntime-common
// on @octet/runtime-web's octet backend. The test serves /model.onnx, /data.json and /wasm/.
import * as ort from 'onnxruntime-common';
import { register } from '@octet/runtime-web';
import { quantize, createOrtExecutor } from '@octet/quantizer';
import { encodeModelProto } from '@octet/onnx';

register(ort, { numThreads: 1, wasmBaseUrl: new URL('/wasm/', location.href).href });
const octet = { executionProviders: ['octet'] };

async function rmse(model, x, labels) {
  const session = await ort.InferenceSession.create(model, octet);
  const out = await session.run({ x: new ort.Tensor('float32', x, [labels.length, x.length / labels.length]) });
  const y = out[session.outputNames[0]].data;
  await session.release();
  let s = 0;
  for (let i = 0; i < labels.length; i++) s += (y[i] - labels[i]) ** 2;
  return Math.sqrt(s / labels.length);
}

window.__smoke = async () => {
  const floatBytes = new Uint8Array(await (await fetch('/model.onnx')).arrayBuffer());
  const data = await (await fetch('/data.json')).json();
  const calib = Float32Array.from(data.calib);
  const { model } = await quantize(floatBytes, {
    mode: 'static',
    calibration: { x: { type: 'float32', data: calib, dims: [calib.length / data.features, data.features] } },
    executor: createOrtExecutor(ort, octet),
  });
  const int8Bytes = encodeModelProto(model);
  const x = Float32Array.from(data.test);
  return {
    floatRmse: await rmse(floatBytes, x, data.labels),
    int8Rmse: await rmse(int8Bytes, x, data.labels),
    floatBytes: floatBytes.length,
    int8Bytes: int8Bytes.length,
  };
};
window.__ready = true;
