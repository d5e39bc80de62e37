// Octet in a browser app: onnxruntime-common's API with @octet/runtime-web's `octet` backend
// (kernels fetched from ./wasm/, one thread on the page's main thread).
import * as ort from 'onnxruntime-common';
import { register } from '@octet/runtime-web';
import { run } from './app.mjs';

register(ort, { numThreads: 1, wasmBaseUrl: new URL('./wasm/', location.href).href });
window.__run = () => run(ort, { executionProviders: ['octet'] });
