// External data stays inside the model's folder even through the file system: a symlink that
// leads out, or a FIFO/device that would block or never end, is a typed error, not a read.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OnnxExternalDataError, decodeModelProto, type TensorProto } from '../src/index.js';
import { externalDataFromDir, loadModel, saveModel } from '../src/node.js';

const root = mkdtempSync(join(tmpdir(), 'octet-ext-escape-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const fixture = new URL('../../../test-data/fixtures/mlp_diabetes/model.onnx', import.meta.url).pathname;

/** The fixture saved with external data in `dir`; returns one external tensor. */
function externalModel(dir: string): TensorProto {
  mkdirSync(dir, { recursive: true });
  saveModel(loadModel(fixture), join(dir, 'model.onnx'), { externalData: { threshold: 64 } });
  return decodeModelProto(new Uint8Array(readFileSync(join(dir, 'model.onnx')))).graph!.initializer.find((t) => t.dataLocation === 1)!;
}

describe('externalDataFromDir confinement', () => {
  it('reads a regular file in the folder (and through a symlink that stays inside)', () => {
    const dir = join(root, 'ok');
    const t = externalModel(dir);
    expect(externalDataFromDir(dir).read(t).length).toBeGreaterThan(0);
    const alias = join(root, 'alias');
    mkdirSync(alias);
    symlinkSync(join(dir, 'model.onnx.data'), join(alias, 'model.onnx.data'));
    // alias/ holds only a symlink to a file in another folder: refused.
    expect(() => externalDataFromDir(alias).read(t)).toThrow(OnnxExternalDataError);
    // A symlink inside the same folder is fine.
    rmSync(join(alias, 'model.onnx.data'));
    writeFileSync(join(alias, 'real.data'), readFileSync(join(dir, 'model.onnx.data')));
    symlinkSync('real.data', join(alias, 'model.onnx.data'));
    expect(externalDataFromDir(alias).read(t)).toEqual(externalDataFromDir(dir).read(t));
  });

  it('a symlink leading out of the folder is refused, naming where it goes', () => {
    const dir = join(root, 'escape');
    const t = externalModel(dir);
    const secret = join(root, 'secret.bin');
    writeFileSync(secret, new Uint8Array(1 << 16).fill(7));
    rmSync(join(dir, 'model.onnx.data'));
    symlinkSync(secret, join(dir, 'model.onnx.data'));
    expect(() => externalDataFromDir(dir).read(t)).toThrow(/resolves outside the model's folder/);
  });

  it('a FIFO or a device is refused instead of blocking', () => {
    const dir = join(root, 'fifo');
    const t = externalModel(dir);
    rmSync(join(dir, 'model.onnx.data'));
    execFileSync('mkfifo', [join(dir, 'model.onnx.data')]);
    expect(() => externalDataFromDir(dir).read(t)).toThrow(/not a regular file/);
    const dev = join(root, 'dev');
    const t2 = externalModel(dev);
    rmSync(join(dev, 'model.onnx.data'));
    symlinkSync('/dev/zero', join(dev, 'model.onnx.data'));
    expect(() => externalDataFromDir(dev).read(t2)).toThrow(OnnxExternalDataError);
  });
});
