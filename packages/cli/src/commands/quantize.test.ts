import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTensor } from '@octet/onnx';
import { loadModel, saveTensor } from '@octet/onnx/node';
import { readDataPart, sliceSamples } from '../data-folder.js';
import { fixture, octet, ortAccuracy, tempDir } from '../test-helpers.js';

let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(() => tmp?.remove());

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const inspect = async (path: string) => JSON.parse((await octet('inspect', path, '--json')).out);

describe('octet quantize', () => {
  it('dynamic by default: writes a smaller model that ONNX Runtime runs, never touching the input', async () => {
    tmp = tempDir();
    const input = join(tmp.path, 'model.onnx');
    copyFileSync(fixture('encoder_sentiment', 'model.onnx'), input);
    const before = sha(input);
    const out = join(tmp.path, 'q.onnx');
    const r = await octet('quantize', input, '-o', out, '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.mode).toBe('dynamic');
    expect(j.bytes.output).toBe(readFileSync(out).length);
    expect(j.bytes.output).toBeLessThan(j.bytes.input / 2);
    expect(sha(input)).toBe(before);
    // MatMuls dynamic; the embedding Gathers read uint8 tables through DequantizeLinear (as ONNX Runtime's
    // quantize_dynamic), so the Add of the two dequantized lookups reads as QDQ.
    const q = (await inspect(out)).quantization;
    expect(Object.keys(q.schemes).sort()).toEqual(['dynamic', 'qdq']);
    expect(q.nodes.filter((n: { scheme: string }) => n.scheme === 'qdq').map((n: { name: string }) => n.name)).toEqual(['/Add']);
    // no temp files left behind
    expect(readdirSync(tmp.path).sort()).toEqual(['model.onnx', 'q.onnx']);
    const acc = await ortAccuracy(out, 'encoder_sentiment', ['input_ids', 'attention_mask']);
    const ref = JSON.parse(readFileSync(fixture('encoder_sentiment', 'ref', 'metrics.json'), 'utf8')).ort_dynamic;
    expect(acc).toBeGreaterThanOrEqual(ref - 0.005);
  });

  it('static QDQ / QOperator from --calib, with the options mapped onto the model', async () => {
    tmp = tempDir();
    const model = fixture('cnn_digits', 'model.onnx');
    const calib = fixture('cnn_digits', 'calib');
    const qdq = join(tmp.path, 'qdq.onnx');
    const r = await octet('quantize', model, '-o', qdq, '--calib', calib, '--executor', 'onnxruntime-node', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).mode).toBe('static');
    const s = await inspect(qdq);
    expect(s.quantization.schemes.qdq).toBeGreaterThanOrEqual(4);
    expect(s.quantization.floatComputeNodes).toEqual([]);
    const metrics = JSON.parse(readFileSync(fixture('cnn_digits', 'ref', 'metrics.json'), 'utf8'));
    expect(await ortAccuracy(qdq, 'cnn_digits', ['x'])).toBeGreaterThanOrEqual(metrics.ort_qdq - 0.005);

    const qop = join(tmp.path, 'qop.onnx');
    expect((await octet('quantize', model, '-o', qop, '--calib', calib, '--format', 'qop', '--executor', 'onnxruntime-node')).code).toBe(0);
    expect(Object.keys((await inspect(qop)).quantization.schemes)).toEqual(['qoperator']);

    // --exclude keeps a node in float; --op-types limits what is quantized; --activation-type int8
    const partial = join(tmp.path, 'partial.onnx');
    const p = await octet('quantize', model, '-o', partial, '--calib', calib, '--exclude', '/f2/Gemm', '--op-types', 'Conv,Gemm', '--activation-type', 'int8', '--per-tensor', '--executor', 'onnxruntime-node');
    expect(p.err).toBe('');
    const ps = await inspect(partial);
    expect(ps.quantization.floatComputeNodes).toEqual(['/f2/Gemm']);
    const m = loadModel(partial);
    const zp = m.graph.nodes.filter((n) => n.opType === 'QuantizeLinear').map((n) => m.graph.initializers.get(n.inputs[2])!.dataType);
    expect(new Set(zp)).toEqual(new Set([3])); // INT8 activations
    const weightScales = m.graph.nodes
      .filter((n) => n.opType === 'DequantizeLinear' && m.graph.initializers.get(n.inputs[0])?.dataType === 3 && m.graph.initializers.get(n.inputs[0])!.dims.length > 1)
      .map((n) => m.graph.initializers.get(n.inputs[1])!.dims.length);
    expect(weightScales.length).toBeGreaterThan(0);
    expect(weightScales.every((r) => r === 0)).toBe(true); // per-tensor: scalar scales
  });

  it('streams calibration subfolders: same model as from one folder with the same batches', async () => {
    tmp = tempDir();
    const name = 'mlp_breast_cancer';
    const split = join(tmp.path, 'calib');
    mkdirSync(split);
    const part = readDataPart(fixture(name, 'calib'), ['x']);
    for (let s = 0, k = 0; s < part.samples; s += 16, k++) {
      const x = sliceSamples(part.feeds.x, s, Math.min(part.samples, s + 16));
      mkdirSync(join(split, String(k)));
      saveTensor(makeTensor('x', 'float32', x.dims, x.data as Float32Array), join(split, String(k), 'input_0.pb'));
    }
    const a = join(tmp.path, 'a.onnx');
    const b = join(tmp.path, 'b.onnx');
    const one = await octet('quantize', fixture(name, 'model.onnx'), '-o', a, '--calib', fixture(name, 'calib'), '--json');
    expect(one.code).toBe(0);
    const r = await octet('quantize', fixture(name, 'model.onnx'), '-o', b, '--calib', split, '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(sha(b)).toBe(sha(a));
    // the sensitivity pass reads the calibration data a second time: it must see the same samples
    const sqnr = JSON.parse(r.out).outputSqnrDb;
    expect(sqnr).toEqual(JSON.parse(one.out).outputSqnrDb);
    expect(sqnr.before).toBeLessThan(100);
  });

  it('weight-only int4 emits MatMulNBits with the requested bits and block size', async () => {
    tmp = tempDir();
    const out = join(tmp.path, 'w4.onnx');
    const r = await octet('quantize', fixture('encoder_sentiment', 'model.onnx'), '-o', out, '--mode', 'weight-only', '--bits', '4', '--block-size', '64', '--symmetric');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const m = loadModel(out);
    const nbits = m.graph.nodes.filter((n) => n.opType === 'MatMulNBits');
    expect(nbits.length).toBeGreaterThan(0);
    for (const n of nbits) {
      expect(n.getInt('bits')).toBe(4);
      expect(n.getInt('block_size')).toBe(64);
    }
    expect((await inspect(out)).quantization.schemes['weight-only']).toBe(nbits.length);
  });

  it('--eval compares float and quantized on Octet, and --report writes a self-contained HTML report', async () => {
    tmp = tempDir();
    const name = 'mlp_breast_cancer';
    const metrics = JSON.parse(readFileSync(fixture(name, 'ref', 'metrics.json'), 'utf8'));
    const report = join(tmp.path, 'report.html');
    const r = await octet('quantize', fixture(name, 'model.onnx'), '-o', join(tmp.path, 'q.onnx'), '--calib', fixture(name, 'calib'), '--eval', fixture(name, 'test'), '--metric', 'accuracy', '--report', report, '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.eval.metric).toBe('accuracy');
    expect(j.eval.samples).toBe(metrics.n_test);
    expect(j.eval.float).toBeCloseTo(metrics.fp32, 6);
    expect(j.eval.quantized).toBeGreaterThanOrEqual(metrics.ort_qdq - 0.005);
    expect(j.eval.drop).toBeCloseTo(j.eval.float - j.eval.quantized, 12);
    expect(j.eval.latencyMs.float).toBeGreaterThan(0);
    expect(j.eval.latencyMs.quantized).toBeGreaterThan(0);
    expect(j.report).toBe(report);
    const html = readFileSync(report, 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).not.toMatch(/(src|href)="https?:/);
    const charts = html.match(/data-chart="[a-z-]+"/g) ?? [];
    expect(charts.filter((c) => c.includes('weight-histogram')).length).toBe(3); // the three Gemm weights
    expect(charts).toContain('data-chart="output-scatter"');
    expect(charts).toContain('data-chart="activation-ranges"');
    expect(html).toContain(`${(100 * metrics.fp32).toFixed(2)}%`);
  });

  it('refuses to overwrite the input, even through a symlink (exit 2), and leaves it intact', async () => {
    tmp = tempDir();
    const input = join(tmp.path, 'model.onnx');
    copyFileSync(fixture('mlp_diabetes', 'model.onnx'), input);
    const before = sha(input);
    symlinkSync(input, join(tmp.path, 'link.onnx'));
    for (const o of [input, join(tmp.path, 'link.onnx'), join(tmp.path, '.', 'model.onnx')]) {
      const r = await octet('quantize', input, '-o', o);
      expect(r.code).toBe(2);
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/is the input model/);
    }
    expect(sha(input)).toBe(before);
    const rep = await octet('quantize', input, '-o', join(tmp.path, 'q.onnx'), '--report', input);
    expect(rep.code).toBe(2);
    expect(sha(input)).toBe(before);
  });

  it('on failure writes nothing and keeps an existing output file (exit 1, one line)', async () => {
    tmp = tempDir();
    const out = join(tmp.path, 'q.onnx');
    writeFileSync(out, 'previous');
    // calibration data for another model: 30 features instead of 10
    const r = await octet('quantize', fixture('mlp_diabetes', 'model.onnx'), '-o', out, '--calib', fixture('mlp_breast_cancer', 'calib'), '--report', join(tmp.path, 'r.html'));
    expect(r.code).toBe(1);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(readFileSync(out, 'utf8')).toBe('previous');
    expect(readdirSync(tmp.path)).toEqual(['q.onnx']);
    // evaluation data without labels: refused before quantizing
    const unlabelled = await octet('quantize', fixture('mlp_diabetes', 'model.onnx'), '-o', out, '--eval', fixture('mlp_diabetes', 'calib'), '--metric', 'rmse');
    expect(unlabelled.code).toBe(1);
    expect(unlabelled.err).toMatch(/calib: no labels\.pb \(--eval needs labelled data\)\n$/);
    // evaluation that fails after quantizing (data of another model): still nothing written
    const mismatch = await octet('quantize', fixture('mlp_diabetes', 'model.onnx'), '-o', out, '--eval', fixture('mlp_breast_cancer', 'test'), '--metric', 'rmse', '--report', join(tmp.path, 'r.html'));
    expect(mismatch.code).toBe(1);
    expect(mismatch.err.trimEnd().split('\n')).toHaveLength(1);
    expect(readFileSync(out, 'utf8')).toBe('previous');
    expect(readdirSync(tmp.path)).toEqual(['q.onnx']);
    const missing = await octet('quantize', fixture('mlp_diabetes', 'model.onnx'), '-o', join(tmp.path, 'no', 'such', 'q.onnx'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/output folder does not exist/);
    expect(existsSync(join(tmp.path, 'no'))).toBe(false);
  });

  it('usage errors for inconsistent options (exit 2)', async () => {
    const m = fixture('mlp_diabetes', 'model.onnx');
    const cases: [string[], RegExp][] = [
      [['--mode', 'static'], /--mode static needs --calib DIR/],
      [['--bits', '4'], /--bits applies to --mode weight-only only/],
      [['--mode', 'weight-only', '--block-size', '48'], /power of two/],
      [['--format', 'qop'], /--format applies to --mode static only/],
      [['--target-drop', '0.01'], /--target-drop needs --eval DIR and --metric M/],
      [['--eval', fixture('mlp_diabetes', 'test')], /--eval and --metric go together/],
      [['--per-channel', '--per-tensor'], /exclude each other/],
      [['--mode', 'int3'], /--mode must be one of/],
    ];
    for (const [extra, pattern] of cases) {
      const r = await octet('quantize', m, '-o', '/tmp/never-written.onnx', ...extra);
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.err).toMatch(pattern);
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    }
    expect(existsSync('/tmp/never-written.onnx')).toBe(false);
    const noOut = await octet('quantize', m);
    expect(noOut.code).toBe(2);
    expect(noOut.err).toMatch(/--output is required/);
  });
});
