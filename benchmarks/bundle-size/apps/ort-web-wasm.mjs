// onnxruntime-web alone, its smallest entry for the CPU path (`onnxruntime-web/wasm`), one thread.
import * as ort from 'onnxruntime-web/wasm';
import { run } from './app.mjs';

ort.env.wasm.numThreads = 1;
window.__run = () => run(ort, { executionProviders: ['wasm'] });
