import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTensor, tensorValues } from '@octet/onnx';
import { loadTensor, saveTensor } from '@octet/onnx/node';
import { readDataPart, sliceSamples } from '../data-folder.js';
import { fixture, octet, tempDir } from '../test-helpers.js';

const metrics = (name: string) => JSON.parse(readFileSync(fixture(name, 'ref', 'metrics.json'), 'utf8'));
let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(() => tmp?.remove());

/** numpy allclose with rtol = atol = tol (logits near zero differ by summation order alone). */
function maxRelErr(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1));
  return worst;
}

/** Splits a fixture's test folder into numbered subfolders of `size` samples. */
function splitInto(dir: string, name: string, size: number): void {
  const part = readDataPart(fixture(name, 'test'), ['x']);
  for (let s = 0, k = 0; s < part.samples; s += size, k++) {
    const e = Math.min(part.samples, s + size);
    mkdirSync(join(dir, String(k)));
    const x = sliceSamples(part.feeds.x, s, e);
    const y = sliceSamples(part.labels!, s, e);
    saveTensor(makeTensor('x', 'float32', x.dims, x.data as Float32Array), join(dir, String(k), 'input_0.pb'));
    saveTensor(makeTensor('labels', part.labels!.type as 'int64', y.dims, y.data as BigInt64Array), join(dir, String(k), 'labels.pb'));
  }
}

describe('octet run', () => {
  for (const name of ['mlp_diabetes', 'cnn_digits']) {
    it(`${name}: writes output_0.pb equal to ONNX Runtime's output`, async () => {
      tmp = tempDir();
      const out = join(tmp.path, 'out');
      const r = await octet('run', fixture(name, 'model.onnx'), '--inputs', fixture(name, 'test'), '--out', out);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const got = loadTensor(join(out, 'output_0.pb'));
      const ref = loadTensor(fixture(name, 'ref', 'fp32_output_0.pb'));
      expect(got.dims).toEqual(ref.dims);
      expect(maxRelErr(tensorValues(got) as Float32Array, tensorValues(ref) as Float32Array)).toBeLessThan(1e-4);
      // named after the model's output
      const summary = JSON.parse((await octet('inspect', fixture(name, 'model.onnx'), '--json')).out);
      expect(got.name).toBe(summary.outputs[0].name);
    });
  }

  it('mirrors numbered input subfolders and batches without changing results', async () => {
    tmp = tempDir();
    const inputs = join(tmp.path, 'in');
    mkdirSync(inputs);
    splitInto(inputs, 'mlp_breast_cancer', 64);
    const out = join(tmp.path, 'out');
    const r = await octet('run', fixture('mlp_breast_cancer', 'model.onnx'), '--inputs', inputs, '--out', out, '--batch-size', '10', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).outputs).toHaveLength(3);
    const ref = tensorValues(loadTensor(fixture('mlp_breast_cancer', 'ref', 'fp32_output_0.pb'))) as Float32Array;
    const parts = [0, 1, 2].map((k) => tensorValues(loadTensor(join(out, String(k), 'output_0.pb'))) as Float32Array);
    expect(parts.map((p) => p.length / 2)).toEqual([64, 64, 43]);
    const all = new Float32Array(ref.length);
    let off = 0;
    for (const p of parts) {
      all.set(p, off);
      off += p.length;
    }
    expect(maxRelErr(all, ref)).toBeLessThan(1e-4);
  });
});

describe('octet eval', () => {
  const cases = [
    ['mlp_diabetes', 'rmse'],
    ['mlp_breast_cancer', 'accuracy'],
    ['cnn_digits', 'accuracy'],
  ] as const;
  for (const [name, metric] of cases) {
    it(`${name}: ${metric} equals the fp32 figure in ref/metrics.json`, async () => {
      const m = metrics(name);
      const r = await octet('eval', fixture(name, 'model.onnx'), '--data', fixture(name, 'test'), '--metric', metric, '--json');
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const j = JSON.parse(r.out);
      expect(Object.keys(j)).toEqual(['metric', 'value', 'samples']);
      expect(j.metric).toBe(metric);
      expect(j.samples).toBe(m.n_test);
      // the reference was computed in float32; 1e-5 relative covers that rounding only
      expect(Math.abs(j.value - m.fp32)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(m.fp32)));
    });
  }

  it('gives the same value over numbered subfolders, and prints text without --json', async () => {
    tmp = tempDir();
    splitInto(tmp.path, 'cnn_digits', 200);
    const r = await octet('eval', fixture('cnn_digits', 'model.onnx'), '--data', tmp.path, '--metric', 'accuracy');
    expect(r.code).toBe(0);
    expect(r.out).toBe(`accuracy ${metrics('cnn_digits').fp32.toPrecision(4)} (540 samples)\n`);
  });

  it('gives the same value with --threads 2 (the threads build of the kernels)', async () => {
    const m = metrics('cnn_digits');
    const r = await octet('eval', fixture('cnn_digits', 'model.onnx'), '--data', fixture('cnn_digits', 'test'), '--metric', 'accuracy', '--threads', '2', '--json');
    expect(r.err).toBe('');
    expect(JSON.parse(r.out).value).toBeCloseTo(m.fp32, 6);
  });

  it('computes MAE as the mean absolute error', async () => {
    const r = await octet('eval', fixture('mlp_diabetes', 'model.onnx'), '--data', fixture('mlp_diabetes', 'test'), '--metric', 'mae', '--json');
    const out = tensorValues(loadTensor(fixture('mlp_diabetes', 'ref', 'fp32_output_0.pb'))) as Float32Array;
    const labels = tensorValues(loadTensor(fixture('mlp_diabetes', 'test', 'labels.pb'))) as Float32Array;
    let s = 0;
    for (let i = 0; i < labels.length; i++) s += Math.abs(out[i] - labels[i]);
    expect(JSON.parse(r.out).value).toBeCloseTo(s / labels.length, 3);
  });

  it('fails with exit 1 and one line on missing labels or an unusable metric', async () => {
    const noLabels = await octet('eval', fixture('mlp_diabetes', 'model.onnx'), '--data', fixture('mlp_diabetes', 'calib'), '--metric', 'rmse');
    expect(noLabels.code).toBe(1);
    expect(noLabels.err).toMatch(/^octet eval: .*calib: no labels\.pb\n$/);
    const wrong = await octet('eval', fixture('mlp_diabetes', 'model.onnx'), '--data', fixture('mlp_diabetes', 'test'), '--metric', 'accuracy');
    expect(wrong.code).toBe(1);
    expect(wrong.err.trimEnd().split('\n')).toHaveLength(1);
    expect(wrong.err).toMatch(/accuracy needs class scores per sample; output 'y' has shape \[133, 1\]/);
    const mismatch = await octet('eval', fixture('mlp_diabetes', 'model.onnx'), '--data', fixture('mlp_breast_cancer', 'test'), '--metric', 'rmse');
    expect(mismatch.code).toBe(1);
    expect(mismatch.err.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('progress bars', () => {
  it('are drawn on stderr for a terminal, and never with --json or when redirected', async () => {
    const { bufferIo } = await import('../io.js');
    const { main } = await import('../main.js');
    const args = ['eval', fixture('mlp_diabetes', 'model.onnx'), '--data', fixture('mlp_diabetes', 'test'), '--metric', 'rmse'];
    const tty = bufferIo(true);
    expect(await main(args, tty)).toBe(0);
    expect(tty.err).toMatch(/\r\x1b\[2Keval .*100%/);
    expect(tty.err.endsWith('\r\x1b[2K')).toBe(true); // the bar is cleared before the result
    expect(tty.out).toMatch(/^rmse 80\.46 \(133 samples\)\n$/);
    const json = bufferIo(true);
    expect(await main([...args, '--json'], json)).toBe(0);
    expect(json.err).toBe('');
    const piped = bufferIo(false);
    expect(await main(args, piped)).toBe(0);
    expect(piped.err).toBe('');
  });
});
