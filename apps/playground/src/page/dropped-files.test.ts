import { describe, expect, it } from 'vitest';
import { DropError, pickModel } from './dropped-files.js';

const files = (...paths: string[]) => paths.map((path) => ({ path, file: path }));

describe('pickModel', () => {
  it('takes the one .onnx and names its side files relative to its folder', () => {
    const r = pickModel(files('bert/model.onnx', 'bert/model.onnx.data', 'bert/weights/w1.bin', 'other/readme.txt'));
    expect(r.model.path).toBe('bert/model.onnx');
    expect(r.sideFiles.map((f) => f.name)).toEqual(['model.onnx.data', 'weights/w1.bin']);
  });

  it('keeps loose files dropped together as side files', () => {
    const r = pickModel(files('model.onnx.data', 'MODEL.ONNX'));
    expect(r.model.path).toBe('MODEL.ONNX');
    expect(r.sideFiles).toEqual([{ name: 'model.onnx.data', file: 'model.onnx.data' }]);
  });

  it('refuses drops without a model or with several, naming the files', () => {
    expect(() => pickModel(files('model.onnx.data'))).toThrow(DropError);
    expect(() => pickModel(files('model.onnx.data'))).toThrow(/no \.onnx model among model\.onnx\.data/);
    expect(() => pickModel(files('a.onnx', 'b/b.onnx'))).toThrow(/one model at a time.*a\.onnx, b\/b\.onnx/);
  });
});
