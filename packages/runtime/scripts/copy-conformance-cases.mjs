// Copies the ONNX backend node tests for every op the runtime claims from ../shared/onnx-tests
// into test-data/onnx-tests/node/ (run once by a developer; tests never read ../shared).
//
// A case belongs to op X when its model (for `_expanded` cases: the model of the case without
// the suffix) consists only of X nodes. Usage: node scripts/copy-conformance-cases.mjs Op1 Op2 …
// (the op list is printed by the conformance test; defaults to every op in src/op-names.ts).

import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = `${here}../../../`;
const source = process.env.ONNX_TESTS ?? `${repo}../shared/onnx-tests/node`;
const target = `${repo}test-data/onnx-tests/node`;

let ops = process.argv.slice(2);
if (ops.length === 0) {
  const names = readFileSync(`${here}../src/op-names.ts`, 'utf8');
  ops = [...names.matchAll(/^ {2}(\w+): '\w+',$/gm)].map((m) => m[1]);
}
const claimed = new Set(ops);

const opsOf = (dir) => {
  const m = fromBinary(ModelProtoSchema, new Uint8Array(readFileSync(`${source}/${dir}/model.onnx`)));
  return new Set(m.graph.node.map((n) => (n.domain && n.domain !== 'ai.onnx' ? `${n.domain}::${n.opType}` : n.opType)));
};

const cases = readdirSync(source).filter((d) => d.startsWith('test_')).sort();
const chosen = [];
for (const c of cases) {
  const base = c.endsWith('_expanded') ? c.slice(0, -'_expanded'.length) : c;
  if (!existsSync(`${source}/${base}/model.onnx`)) continue;
  const baseOps = opsOf(base);
  if (baseOps.size !== 1) continue;
  const [op] = baseOps;
  if (claimed.has(op)) chosen.push(c);
}
// Adds (or refreshes) cases; never deletes: other op families keep their cases in the same folder.
mkdirSync(target, { recursive: true });
for (const c of chosen) cpSync(`${source}/${c}`, `${target}/${c}`, { recursive: true });
console.log(`copied ${chosen.length} cases for ${claimed.size} ops into ${target}`);
