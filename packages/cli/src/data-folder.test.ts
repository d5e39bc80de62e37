import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTensor } from '@octet/onnx';
import { loadTensor, saveTensor } from '@octet/onnx/node';
import { tensorValues } from '@octet/onnx';
import { batchesOf, dataParts, readDataFolder, readDataPart, sliceSamples } from './data-folder.js';
import { CliError } from './errors.js';
import { fixture, tempDir } from './test-helpers.js';

const ENCODER_INPUTS = ['input_ids', 'attention_mask'];
let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(() => tmp?.remove());

describe('data folders', () => {
  it('reads input_K.pb and labels.pb with the first axis as samples', () => {
    const part = readDataPart(fixture('encoder_sentiment', 'test'), ENCODER_INPUTS, { labels: 'required' });
    expect(part.samples).toBe(600);
    expect(part.feeds.input_ids.type).toBe('int64');
    expect(part.feeds.input_ids.dims).toEqual([600, 32]);
    expect(part.labels?.dims).toEqual([600]);
    const ref = tensorValues(loadTensor(fixture('encoder_sentiment', 'test', 'input_1.pb'))) as BigInt64Array;
    expect(part.feeds.attention_mask.data).toEqual(ref);
  });

  it('matches a tensor to an input by name before its file number', () => {
    tmp = tempDir();
    // Files swapped: input_0.pb holds attention_mask, input_1.pb holds input_ids.
    copyFileSync(fixture('encoder_sentiment', 'test', 'input_0.pb'), join(tmp.path, 'input_1.pb'));
    copyFileSync(fixture('encoder_sentiment', 'test', 'input_1.pb'), join(tmp.path, 'input_0.pb'));
    const part = readDataPart(tmp.path, ENCODER_INPUTS);
    const ids = tensorValues(loadTensor(fixture('encoder_sentiment', 'test', 'input_0.pb')));
    expect(part.feeds.input_ids.data).toEqual(ids);
  });

  it('matches by index when the tensor name is not an input name', () => {
    tmp = tempDir();
    saveTensor(makeTensor('whatever', 'float32', [2, 3], new Float32Array([1, 2, 3, 4, 5, 6])), join(tmp.path, 'input_0.pb'));
    const part = readDataPart(tmp.path, ['x']);
    expect(part.feeds.x.dims).toEqual([2, 3]);
    expect(part.labels).toBeUndefined();
  });

  it('streams numbered subfolders in numeric order', () => {
    tmp = tempDir();
    for (const k of [0, 1, 2, 10]) {
      mkdirSync(join(tmp.path, String(k)));
      saveTensor(makeTensor('x', 'float32', [1, 1], new Float32Array([k])), join(tmp.path, String(k), 'input_0.pb'));
    }
    mkdirSync(join(tmp.path, 'notes'));
    expect(dataParts(tmp.path).map((d) => d.slice(tmp!.path.length + 1))).toEqual(['0', '1', '2', '10']);
    const seen = [...readDataFolder(tmp.path, ['x'])].map((p) => (p.feeds.x.data as Float32Array)[0]);
    expect(seen).toEqual([0, 1, 2, 10]);
  });

  it('slices batches along the first axis', () => {
    const part = readDataPart(fixture('mlp_diabetes', 'test'), ['x']);
    const batches = [...batchesOf(part, 50)];
    expect(batches.map((b) => b.count)).toEqual([50, 50, 33]);
    expect(batches[2].feeds.x.dims).toEqual([33, 10]);
    expect(batches[2].labels!.dims).toEqual([33]);
    expect((batches[1].feeds.x.data as Float32Array)[0]).toBe((part.feeds.x.data as Float32Array)[500]);
    expect(sliceSamples(part.labels!, 132, 133).data[0]).toBe(part.labels!.data[132]);
  });

  it('names the file on bad data', () => {
    tmp = tempDir();
    writeFileSync(join(tmp.path, 'input_0.pb'), new Uint8Array([0xff, 0xff, 0xff]));
    expect(() => readDataPart(tmp!.path, ['x'])).toThrow(/input_0\.pb/);
    expect(() => readDataPart(fixture('mlp_diabetes', 'calib'), ['x'], { labels: 'required' })).toThrow(/no labels\.pb/);
    expect(() => dataParts(join(tmp!.path, 'missing'))).toThrow(CliError);
  });

  it('rejects inputs and labels that disagree on the number of samples', () => {
    tmp = tempDir();
    copyFileSync(fixture('mlp_diabetes', 'test', 'input_0.pb'), join(tmp.path, 'input_0.pb'));
    copyFileSync(fixture('mlp_breast_cancer', 'test', 'labels.pb'), join(tmp.path, 'labels.pb'));
    expect(() => readDataPart(tmp!.path, ['x'])).toThrow(/labels\.pb: 171 samples, but the inputs have 133/);
  });
});
