// Example: build an MLP, quantize it, run it on the int8 kernels, compare with the float reference.
import { loadKernels } from '@octet/kernels';
import { argmaxRows, buildMlp, randomInputs, runFloat } from './float-mlp.js';
import { quantizeMlp } from './quantize.js';
import { createInt8Mlp } from './int8-mlp.js';

const sizes = [32, 64, 64, 10];
const mlp = buildMlp(sizes);
const calibration = randomInputs(2000, sizes[0], 1);
const test = randomInputs(1000, sizes[0], 2);

const k = await loadKernels();
const int8 = createInt8Mlp(k, quantizeMlp(mlp, calibration, 2000));
const yInt8 = int8.run(test, 1000);
const yFloat = runFloat(mlp, test, 1000).at(-1)!;

let maxErr = 0;
let sq = 0;
for (let i = 0; i < yFloat.length; i++) {
  const d = yInt8[i] - yFloat[i];
  maxErr = Math.max(maxErr, Math.abs(d));
  sq += d * d;
}
const a = argmaxRows(yInt8, 1000, 10);
const b = argmaxRows(yFloat, 1000, 10);
const agree = a.reduce((n, v, i) => n + (v === b[i] ? 1 : 0), 0);
console.log(`kernels: ${k.variant} build; MLP ${sizes.join('→')}`);
console.log(`int8 vs float on 1000 rows: RMSE ${Math.sqrt(sq / yFloat.length).toFixed(4)}, max |Δ| ${maxErr.toFixed(4)}, argmax agreement ${(agree / 10).toFixed(1)}%`);
int8.dispose();
k.dispose();
