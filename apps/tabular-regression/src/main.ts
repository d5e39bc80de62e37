// npm start -w @octet/app-tabular-regression [-- --port 8080 --out out]
// Quantizes the bundled regression model, writes the float-vs-int8 report, then serves the int8
// model on POST /predict.
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FIXTURE_DIR } from './paths.js';
import { quantizeRegressionModel } from './quantize-model.js';
import { createPredictor } from './predictor.js';
import { compare, writeComparisonReport } from './compare.js';
import { createPredictionServer, listen } from './server.js';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' }, out: { type: 'string', default: 'out' } } });
const out = resolve(values.out!);
mkdirSync(out, { recursive: true });
const floatPath = join(FIXTURE_DIR, 'model.onnx');
const int8Path = join(out, 'mlp_diabetes.int8.onnx');

await quantizeRegressionModel(FIXTURE_DIR, int8Path);
const float = await createPredictor(floatPath, 'cpu');
const int8 = await createPredictor(int8Path, 'octet');
const c = await compare(FIXTURE_DIR, float, int8);
await float.release();
const reportPath = join(out, 'mlp_diabetes.float-vs-int8.html');
await writeComparisonReport(reportPath, c, { float: statSync(floatPath).size, quantized: statSync(int8Path).size });
console.log(`int8 model: ${int8Path}`);
console.log(`test RMSE (${c.labels.length} rows): float ${c.rmse.float.toFixed(2)}, int8 ${c.rmse.int8.toFixed(2)}; scatter plot in ${reportPath}`);

const port = await listen(createPredictionServer(int8), Number(values.port));
console.log(`serving the int8 model on http://127.0.0.1:${port}/predict — try:`);
console.log(`  curl -s -X POST localhost:${port}/predict -H 'content-type: application/json' -d '{"features":[0.8,1.1,1.3,0.5,-0.9,-0.7,-0.7,-0.05,0.4,-0.4]}'`);
