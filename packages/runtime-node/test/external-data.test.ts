import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeModelProto } from '@octet/onnx';
import { saveModel } from '@octet/onnx/node';
import * as ortNode from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { createSessionFromPath } from '../src/index.js';
import { registerOn, type OrtModule } from './contract.js';
import { feedsOf, fixture, maxRelativeError, modelPath } from './fixture-data.js';

// The encoder fixture re-saved with its weights in a side file (data_location = EXTERNAL).
const dir = mkdtempSync(join(tmpdir(), 'octet-external-'));
const path = join(dir, 'model.onnx');
saveModel(decodeModelProto(new Uint8Array(readFileSync(modelPath('encoder_sentiment')))), path, { externalData: { location: 'weights.bin', threshold: 256 } });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const f = fixture('encoder_sentiment');

describe('models with external data', () => {
  it('were really written with a side file', () => {
    expect(statSync(join(dir, 'weights.bin')).size).toBeGreaterThan(100_000);
    expect(statSync(path).size).toBeLessThan(100_000);
  });

  it('load from a path with createSessionFromPath', async () => {
    const s = await createSessionFromPath(path, { numThreads: 1 });
    const out = (await s.run(feedsOf(f)))[s.outputNames[0]];
    expect(maxRelativeError(out.data as Float32Array, f.reference.data as Float32Array)).toBeLessThan(1e-4);
    s.dispose();
  });

  it("load from a path through onnxruntime-node's ort, with per-session numThreads", async () => {
    const ort = ortNode as unknown as OrtModule;
    registerOn(ort);
    const s = await ort.InferenceSession.create(path, { executionProviders: [{ name: 'octet', numThreads: 2 }] });
    const feeds = Object.fromEntries(f.metrics.inputs.map((n, i) => [n, new ort.Tensor(f.inputs[i].dtype, f.inputs[i].data, f.inputs[i].dims)]));
    const out = (await s.run(feeds))[s.outputNames[0]];
    expect(maxRelativeError(out.data as Float32Array, f.reference.data as Float32Array)).toBeLessThan(1e-4);
    await s.release();
  });
});
