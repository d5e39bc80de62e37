// onnxruntime-web alone through its default entry (what `import 'onnxruntime-web'` gives), wasm EP.
import * as ort from 'onnxruntime-web';
import { run } from './app.mjs';

ort.env.wasm.numThreads = 1;
window.__run = () => run(ort, { executionProviders: ['wasm'] });
