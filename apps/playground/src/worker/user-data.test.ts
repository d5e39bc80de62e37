import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodeTensorProto, makeTensor } from '@octet/onnx';
import type { ValueMetadata } from '@octet/runtime-web';
import { describe, expect, it } from 'vitest';
import type { UserFile } from '../shared/protocol.js';
import { checkLabelsAgainstOutput, parseUserData, UserDataError } from './user-data.js';

const json = (doc: unknown, name = 'data.json'): UserFile => ({ name, bytes: new TextEncoder().encode(JSON.stringify(doc)).buffer as ArrayBuffer });
const pb = (name: string, dtype: string, dims: number[], values: number[] | bigint[]): UserFile => ({
  name,
  bytes: encodeTensorProto(makeTensor(name, dtype as 'float', dims, values as number[])).slice().buffer as ArrayBuffer,
});
const npyDir = fileURLToPath(new URL('../../test-data/npy/', import.meta.url));
const npy = (file: string, as = file): UserFile => ({ name: as, bytes: new Uint8Array(readFileSync(`${npyDir}${file}`)).slice().buffer as ArrayBuffer });
const model: ValueMetadata[] = [
  { name: 'x', isTensor: true, type: 'float32', shape: ['batch', 3] },
  { name: 'ids', isTensor: true, type: 'int64', shape: ['batch', 2] },
];
const refused = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserDataError);
    return (e as Error).message;
  }
  throw new Error('accepted');
};

describe('parseUserData', () => {
  it('reads JSON as nested arrays or dims + flat data, typed as the model inputs', () => {
    const d = parseUserData([json({ inputs: { x: [[1, 2, 3], [4, 5, 6.5]], ids: { dims: [2, 2], data: [7, 8, 9, 10] } }, labels: [1, 0] })], model, 'accuracy');
    expect(d.samples).toBe(2);
    expect(d.feeds.x).toEqual({ type: 'float32', dims: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6.5]) });
    expect(d.feeds.ids).toEqual({ type: 'int64', dims: [2, 2], data: BigInt64Array.from([7n, 8n, 9n, 10n]) });
    expect(Array.from(d.labels, Number)).toEqual([1, 0]);
    expect(d.fixedBatch).toBeUndefined();
  });

  it('reads .pb tensors by position (input_K.pb) or by input name, with labels.pb', () => {
    const d = parseUserData([pb('input_0.pb', 'float', [1, 3], [1, 2, 3]), pb('ids.pb', 'int64', [1, 2], [5n, 6n]), pb('labels.pb', 'int64', [1], [2n])], model, 'accuracy');
    expect(d.feeds.x!.dims).toEqual([1, 3]);
    expect(Array.from(d.feeds.ids!.data as BigInt64Array)).toEqual([5n, 6n]);
    expect(d.source).toContain('labels.pb');
  });

  it('reads NumPy .npy files: float64 narrowed to a float32 input, integer types widened to int64/int32 inputs, labels of any integer type', () => {
    const tabular: ValueMetadata[] = [{ name: 'x', isTensor: true, type: 'float32', shape: ['N', 30] }];
    const f32 = parseUserData([npy('x_f32.npy', 'input_0.npy'), npy('labels_i64.npy', 'labels.npy')], tabular, 'accuracy');
    const f64 = parseUserData([npy('x_f64.npy', 'x.npy'), npy('labels_u8.npy', 'labels.npy')], tabular, 'accuracy');
    expect(f64.feeds.x).toEqual(f32.feeds.x);
    expect(f32.samples).toBe(8);
    expect(Array.from(f64.labels, Number)).toEqual(Array.from(f32.labels, Number));
    const ids: ValueMetadata[] = [{ name: 'ids', isTensor: true, type: 'int64', shape: ['N', 3] }];
    const d = parseUserData([npy('ids_i32.npy', 'ids.npy'), pb('labels.pb', 'int64', [2], [0n, 1n])], ids, 'accuracy');
    expect(d.feeds.ids).toEqual({ type: 'int64', dims: [2, 3], data: BigInt64Array.from([1n, 2n, 3n, 4n, 5n, 6n]) });
    expect(refused(() => parseUserData([npy('ids_f64.npy', 'ids.npy'), npy('labels_i64.npy', 'labels.npy')], ids, 'accuracy'))).toMatch(/ids\.npy: the data is float64, the model's input 'ids' is int64/);
    expect(refused(() => parseUserData([npy('x_fortran.npy', 'x.npy'), npy('labels_i64.npy', 'labels.npy')], tabular, 'accuracy'))).toMatch(/x\.npy is in Fortran order/);
  });

  it('names shape mismatches: rank, a fixed dimension, ragged rows, sample counts, fixed batch sizes', () => {
    expect(refused(() => parseUserData([json({ inputs: { x: [[1, 2, 3, 4]], ids: [[1, 2]] }, labels: [0] })], model, 'accuracy'))).toBe(
      "data.json: input 'x' has shape [1, 4], the model expects [batch, 3] (dimension 1 is 4, must be 3)",
    );
    expect(refused(() => parseUserData([json({ inputs: { x: [1, 2, 3], ids: [[1, 2]] }, labels: [0] })], model, 'accuracy'))).toMatch(/input 'x' has shape \[3\], the model expects \[batch, 3\] \(rank 2/);
    expect(refused(() => parseUserData([json({ inputs: { x: [[1, 2, 3], [4, 5]], ids: [[1, 2]] }, labels: [0] })], model, 'accuracy'))).toMatch(/inputs\.x\[1\] should be an array of 3/);
    expect(refused(() => parseUserData([json({ inputs: { x: [[1, 2, 3], [4, 5, 6]], ids: [[1, 2]] }, labels: [0, 1] })], model, 'accuracy'))).toMatch(/input 'ids' has 1 samples, the other inputs 2/);
    const fixed: ValueMetadata[] = [{ name: 'x', isTensor: true, type: 'float32', shape: [2, 1] }];
    expect(refused(() => parseUserData([json({ inputs: { x: [[1], [2], [3]] }, labels: [0, 1, 0] })], fixed, 'accuracy'))).toMatch(/3 samples, the model takes batches of exactly 2/);
    expect(parseUserData([json({ inputs: { x: [[1], [2], [3], [4]] }, labels: [0, 1, 0, 1] })], fixed, 'accuracy').fixedBatch).toBe(2);
    expect(refused(() => parseUserData([json({ inputs: { x: { dims: [2, 3], data: [1, 2, 3] }, ids: [[1, 2]] }, labels: [0] })], model, 'accuracy'))).toMatch(/dims \[2, 3\] need 6 values, data has 3/);
  });

  it('names type mismatches: a .pb of another dtype, a declared JSON type, non-integers for int64 inputs', () => {
    expect(refused(() => parseUserData([pb('input_0.pb', 'int64', [1, 3], [1n, 2n, 3n]), pb('input_1.pb', 'int64', [1, 2], [1n, 2n]), pb('labels.pb', 'int64', [1], [0n])], model, 'accuracy'))).toBe(
      "input_0.pb: the data is int64, the model's input 'x' is float32",
    );
    expect(refused(() => parseUserData([json({ inputs: { x: { dims: [1, 3], data: [1, 2, 3], type: 'float64' }, ids: [[1, 2]] }, labels: [0] })], model, 'accuracy'))).toMatch(/the data is float64, the model's input 'x' is float32/);
    expect(refused(() => parseUserData([json({ inputs: { x: [[1, 2, 3]], ids: [[1, 2.5]] }, labels: [0] })], model, 'accuracy'))).toMatch(/value 1 is 2\.5, not an integer; the model's input 'ids' is int64/);
    expect(refused(() => parseUserData([json({ inputs: { x: [[1, '2', 3]], ids: [[1, 2]] }, labels: [0] })], model, 'accuracy'))).toMatch(/inputs\.x: value 1 is "2", not a number/);
  });

  it('names missing and unknown inputs, missing labels, bad files and bad labels', () => {
    expect(refused(() => parseUserData([json({ inputs: { x: [[1, 2, 3]] }, labels: [0] })], model, 'accuracy'))).toMatch(/no data for the model's input 'ids' \(its inputs: x, ids\)/);
    expect(refused(() => parseUserData([json({ inputs: { y: [[1]] }, labels: [0] })], model, 'accuracy'))).toMatch(/'y', which is not an input of the model \(its inputs: x, ids\)/);
    expect(refused(() => parseUserData([json({ inputs: { x: [[1, 2, 3]], ids: [[1, 2]] } })], model, 'accuracy'))).toMatch(/"labels" is missing/);
    expect(refused(() => parseUserData([{ name: 'd.json', bytes: new TextEncoder().encode('{oops').buffer as ArrayBuffer }], model, 'accuracy'))).toMatch(/^d\.json is not valid JSON/);
    expect(refused(() => parseUserData([json({}, 'a.csv')], model, 'accuracy'))).toMatch(/give one \.json file, or tensor files \(\.pb or \.npy.*got a\.csv/);
    expect(refused(() => parseUserData([pb('input_0.pb', 'float', [1, 3], [1, 2, 3])], model, 'accuracy'))).toMatch(/labels\.pb \(or labels\.npy\) is missing/);
    expect(refused(() => parseUserData([pb('input_7.pb', 'float', [1, 3], [1, 2, 3]), pb('labels.pb', 'int64', [1], [0n])], model, 'accuracy'))).toMatch(/input_7\.pb matches no model input/);
    expect(refused(() => parseUserData([json({ inputs: { x: [[1, 2, 3]], ids: [[1, 2]] }, labels: [0.5] })], model, 'accuracy'))).toMatch(/label 0 is 0\.5; accuracy needs class ids/);
    expect(refused(() => parseUserData([json({ inputs: { x: [[1, 2, 3]], ids: [[1, 2]] }, labels: [0, 1] })], model, 'accuracy'))).toMatch(/2 labels for 1 samples/);
    expect(parseUserData([json({ inputs: { x: [[1, 2, 3]], ids: [[1, 2]] }, labels: [[0.5, 1.5]] })], model, 'rmse').labels).toEqual([0.5, 1.5]);
  });
});

describe('checkLabelsAgainstOutput', () => {
  const data = parseUserData([json({ inputs: { x: [[1, 2, 3], [4, 5, 6]], ids: [[1, 2], [3, 4]] }, labels: [0, 2] })], model, 'accuracy');
  it('needs class scores with every label among the classes (accuracy), or one label per output value (RMSE)', () => {
    expect(() => checkLabelsAgainstOutput(data, 'accuracy', 'y', 3)).not.toThrow();
    expect(refused(() => checkLabelsAgainstOutput(data, 'accuracy', 'y', 2))).toMatch(/label 1 is class 2, but the model's output 'y' scores 2 classes \(0…1\)/);
    expect(refused(() => checkLabelsAgainstOutput(data, 'accuracy', 'y', 1))).toMatch(/output 'y' has 1 value per sample: choose RMSE/);
    expect(() => checkLabelsAgainstOutput(data, 'rmse', 'y', 1)).not.toThrow();
    expect(refused(() => checkLabelsAgainstOutput(data, 'rmse', 'y', 3))).toMatch(/1 label value\(s\) per sample, but the model's output 'y' has 3/);
  });
});
