// `npm start` (after `turbo run build`): load the bundled fixture models with the built
// @octet/onnx and print what is in them. The lead replaces this with the quantize + report job.
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inferShapes, shapeToString, dtypeName, tensorElementCount, validateModel } from '@octet/onnx';
import { loadModel } from '@octet/onnx/node';

const root = fileURLToPath(new URL('..', import.meta.url));
const models = ['mlp_diabetes', 'cnn_digits'];

const fmtBytes = (n) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(2)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);
const typeOf = (t) => (t && t.elemType ? `${dtypeName(t.elemType)} ${shapeToString(t.shape)}` : '?');

for (const name of models) {
  const path = `${root}test-data/fixtures/${name}/model.onnx`;
  const t0 = performance.now();
  const model = loadModel(path);
  const loadMs = performance.now() - t0;
  const { types } = inferShapes(model, { writeValueInfo: false });
  const issues = validateModel(model);

  const ops = new Map();
  for (const n of model.graph.nodes) ops.set(n.opType, (ops.get(n.opType) ?? 0) + 1);
  let params = 0;
  let weightBytes = 0;
  for (const t of model.graph.initializers.values()) {
    params += tensorElementCount(t);
    weightBytes += t.rawData.length;
  }
  const g = model.graph;
  console.log(`\n${name}  (${fmtBytes(statSync(path).size)}, decoded in ${loadMs.toFixed(1)} ms)`);
  console.log(`  producer   ${model.proto.producerName} ${model.proto.producerVersion}, IR v${model.irVersion}`);
  console.log(`  opsets     ${model.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ')}`);
  for (const v of g.feedInputs) console.log(`  input      ${v.name}: ${typeOf(types.get(v.name))}`);
  for (const v of g.outputs) console.log(`  output     ${v.name}: ${typeOf(types.get(v.name))}`);
  console.log(`  nodes      ${g.nodes.length}: ${[...ops].map(([op, n]) => `${op}×${n}`).join(', ')}`);
  console.log(`  parameters ${params.toLocaleString('en-US')} in ${g.initializers.size} initializers (${fmtBytes(weightBytes)})`);
  console.log(`  valid      ${issues.length === 0 ? 'yes' : issues.map((i) => i.message).join('; ')}`);
}
