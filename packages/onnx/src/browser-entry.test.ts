import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { expect, it } from 'vitest';
import { readBytes, testData } from './test-helpers.js';

it('the main entry bundles for the browser (no Node built-ins) and works from the bundle', async () => {
  const r = await build({
    entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  expect(r.errors).toEqual([]);
  const code = r.outputFiles[0].text;
  expect(code).not.toMatch(/from\s*["']node:|require\(["'](node:)?(fs|path|os)["']\)/);
  const mod = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
  const m = mod.parseModel(readBytes(testData('fixtures/cnn_digits/model.onnx')));
  expect(m.graph.nodes.map((n: { opType: string }) => n.opType)).toContain('Conv');
  expect(mod.validateModel(m)).toEqual([]);
  // Inference rules must survive tree shaking (the package is `sideEffects: false`).
  for (const v of m.graph.valueInfo) v.info.type = undefined;
  m.graph.outputs[0].info.type = undefined;
  const { types } = mod.inferShapes(m);
  expect(mod.shapeToString(types.get(m.graph.outputs[0].name).shape)).toBe('[batch, 10]');
  const ops: string[] = mod.supportedInferenceOps();
  for (const op of [':Relu', ':MatMul', ':Reshape', ':LayerNormalization', ':QuantizeLinear', 'com.microsoft:QLinearAdd']) expect(ops).toContain(op);
});
