import { describe, expect, it } from 'vitest';
import { latencyStats } from '../latency.js';
import { fixture, octet } from '../test-helpers.js';

describe('latency statistics', () => {
  it('median, mean, p90 and min', () => {
    const s = latencyStats([5, 1, 4, 2, 3, 10, 6, 8, 7, 9]);
    expect(s).toEqual({ runs: 10, medianMs: 5.5, meanMs: 5.5, p90Ms: 9, minMs: 1 });
    expect(latencyStats([3, 1, 2]).medianMs).toBe(2);
  });
});

describe('octet bench', () => {
  it('times the model on synthetic inputs and reports the statistics as JSON', async () => {
    const r = await octet('bench', fixture('mlp_diabetes', 'model.onnx'), '--runs', '3', '--warmup', '1', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.batch).toBe(1);
    expect(j.octet.runs).toBe(3);
    expect(j.octet.minMs).toBeGreaterThan(0);
    expect(j.octet.minMs).toBeLessThanOrEqual(j.octet.medianMs);
    expect(j.octet.medianMs).toBeLessThanOrEqual(j.octet.p90Ms);
    expect(j.peer).toBeUndefined();
  });

  it('runs onnxruntime-node in a child process on the same inputs and prints the ratio', async () => {
    const r = await octet('bench', fixture('cnn_digits', 'model.onnx'), '--inputs', fixture('cnn_digits', 'test'), '--batch-size', '8', '--runs', '3', '--warmup', '1', '--vs', 'onnxruntime-node', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.batch).toBe(8);
    expect(j.peer.name).toBe('onnxruntime-node');
    expect(j.peer.version).toMatch(/^1\.\d+\.\d+/);
    expect(j.peer.runs).toBe(3);
    expect(j.speedup).toBeCloseTo(j.peer.medianMs / j.octet.medianMs, 10);
    const text = await octet('bench', fixture('mlp_diabetes', 'model.onnx'), '--runs', '2', '--warmup', '0', '--vs', 'onnxruntime-web');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^octet is \d+\.\d\d× (faster|slower) than onnxruntime-web \(median\)$/m);
  });

  it('fails with one line naming the file when the model is not ONNX', async () => {
    const r = await octet('bench', fixture('mlp_diabetes', 'test', 'labels.pb'), '--runs', '1');
    expect(r.code).toBe(1);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toContain('labels.pb');
  });
});
