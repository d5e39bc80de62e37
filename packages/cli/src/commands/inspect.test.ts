import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, octet, tempDir } from '../test-helpers.js';

const metrics = (name: string) => JSON.parse(readFileSync(fixture(name, 'ref', 'metrics.json'), 'utf8'));
let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(() => tmp?.remove());

describe('octet inspect', () => {
  it('lists ops, opsets, inputs/outputs and parameters as text', async () => {
    const r = await octet('inspect', fixture('mlp_diabetes', 'model.onnx'));
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^opsets: ai\.onnx 17$/m);
    expect(r.out).toMatch(/^ {2}x {2}float32 \[batch, 10\]$/m);
    expect(r.out).toMatch(/^ {2}Gemm \(ai\.onnx\) +3$/m);
    expect(r.out).toMatch(/^quantization: none \(3 float/m);
  });

  it('reports the ops, opset and size that the reference tool recorded', async () => {
    for (const name of ['mlp_diabetes', 'cnn_digits', 'encoder_sentiment']) {
      const m = metrics(name);
      const r = await octet('inspect', fixture(name, 'model.onnx'), '--json');
      expect(r.code).toBe(0);
      const s = JSON.parse(r.out);
      expect([...new Set(s.ops.map((o: { opType: string }) => o.opType))].sort()).toEqual([...m.ops].sort());
      expect(s.opsets).toEqual(m.opset.map(([d, v]: [string, number]) => ({ domain: d || 'ai.onnx', version: v })));
      expect(s.bytes).toBe(m.fp32_bytes);
      expect(s.inputs.map((i: { name: string }) => i.name)).toEqual(m.inputs);
      // fp32 parameters take most of a small model's file, and can never exceed it.
      expect(s.parameterBytes).toBeLessThanOrEqual(s.bytes);
      expect(s.parameterBytes).toBeGreaterThan(0.8 * s.bytes);
      expect(s.parameters * 4).toBeGreaterThanOrEqual(s.parameterTypes.find((p: { type: string }) => p.type === 'float32').bytes);
      expect(s.quantization.quantized).toBe(false);
    }
  });

  it('tells QDQ, QOperator and dynamic models apart and names the quantized nodes', async () => {
    const float = JSON.parse((await octet('inspect', fixture('cnn_digits', 'model.onnx'), '--json')).out);
    const compute = float.quantization.floatComputeNodes as string[];
    expect(compute).toEqual(['/c1/Conv', '/c2/Conv', '/f1/Gemm', '/f2/Gemm']);
    const expected = { ort_qdq: 'qdq', ort_qop: 'qoperator', ort_dynamic: 'dynamic' } as const;
    for (const [variant, scheme] of Object.entries(expected)) {
      const r = await octet('inspect', fixture('cnn_digits', 'ref', `${variant}.onnx`), '--json');
      const q = JSON.parse(r.out).quantization;
      expect(q.quantized).toBe(true);
      expect(Object.keys(q.schemes)).toEqual([scheme]);
      expect(q.floatComputeNodes).toEqual([]);
      const heavy = q.nodes.filter((n: { weightType?: string }) => n.weightType);
      expect(heavy).toHaveLength(4);
      for (const n of heavy) expect(n.weightType).toBe('int8');
      // each float Conv/Gemm appears (under its own or a derived name) among the quantized nodes
      for (const c of compute) expect(q.nodes.some((n: { name: string }) => n.name.startsWith(c))).toBe(true);
    }
    const text = (await octet('inspect', fixture('cnn_digits', 'ref', 'ort_qdq.onnx'))).out;
    expect(text).toMatch(/^quantization: 6 quantized nodes \(QDQ 6\)/m);
    expect(text).toMatch(/^ {2}\/c1\/Conv +Conv +QDQ {2}int8 weights$/m);
  });

  it('fails with one line naming the file for a bad model (exit 1)', async () => {
    tmp = tempDir();
    const bad = join(tmp.path, 'bad.onnx');
    const bytes = readFileSync(fixture('mlp_diabetes', 'model.onnx')).subarray(0, 5000);
    writeFileSync(bad, bytes);
    expect(statSync(bad).size).toBe(5000);
    const r = await octet('inspect', bad);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toContain(bad);
    expect(r.err).toMatch(/^octet inspect: /);

    const missing = await octet('inspect', join(tmp.path, 'nope.onnx'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/nope\.onnx: no such model file\n$/);
  });
});
