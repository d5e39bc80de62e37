// octet keygen / sign / verify, end to end through `main` (exit codes as in docs/cli.md).
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModelProto, encodeModelProto } from '@octet/onnx';
import { loadModel, saveModel } from '@octet/onnx/node';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, octet, tempDir } from '../test-helpers.js';

const tmp = tempDir();
afterAll(() => tmp.remove());
const model = fixture('mlp_diabetes', 'model.onnx');
const original = readFileSync(model);

describe('octet keygen / sign / verify', () => {
  const prefix = join(tmp.path, 'team');
  const key = `${prefix}.key.pem`;
  const pub = `${prefix}.pub.pem`;

  it('keygen writes a private key (0600) and a public key, and never overwrites them', async () => {
    const r = await octet('keygen', '--out', prefix);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(readFileSync(key, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(readFileSync(pub, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    const before = readFileSync(key);
    const again = await octet('keygen', '--out', prefix);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already exists/);
    expect(readFileSync(key)).toEqual(before);
    expect(readdirSync(tmp.path).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('sign → verify exits 0; a changed model, another key or an unsigned model exit 1', async () => {
    const out = join(tmp.path, 'signed.onnx');
    const s = await octet('sign', model, '--key', key, '-o', out);
    expect(s).toMatchObject({ code: 0, err: '' });
    expect(readFileSync(model)).toEqual(original);
    expect(await octet('verify', out, '--pub', pub)).toMatchObject({ code: 0, err: '' });

    const p = decodeModelProto(new Uint8Array(readFileSync(out)));
    p.graph!.node[0].name = 'renamed';
    const bad = join(tmp.path, 'tampered.onnx');
    writeFileSync(bad, encodeModelProto(p));
    const t = await octet('verify', bad, '--pub', pub);
    expect(t.code).toBe(1);
    expect(t.err).toMatch(/^octet verify: .*tampered\.onnx: tampered: /);
    expect(t.err.trimEnd().split('\n')).toHaveLength(1);

    await octet('keygen', '--out', join(tmp.path, 'other'));
    expect((await octet('verify', out, '--pub', join(tmp.path, 'other.pub.pem'))).err).toMatch(/wrong-key/);
    const u = await octet('verify', model, '--pub', pub);
    expect(u.code).toBe(1);
    expect(u.err).toMatch(/unsigned/);
    const j = await octet('verify', out, '--pub', pub, '--json');
    expect(JSON.parse(j.out)).toMatchObject({ valid: true });
  });

  it('--detached writes a .sig that verify --sig accepts', async () => {
    const sig = join(tmp.path, 'model.sig');
    expect((await octet('sign', model, '--key', key, '-o', sig, '--detached')).code).toBe(0);
    expect(await octet('verify', model, '--pub', pub, '--sig', sig)).toMatchObject({ code: 0 });
    expect((await octet('verify', fixture('mlp_breast_cancer', 'model.onnx'), '--pub', pub, '--sig', sig)).code).toBe(1);
  });

  it('covers external data next to the model', async () => {
    const dir = join(tmp.path, 'ext');
    const src = join(dir, 'model.onnx');
    mkdirSync(dir);
    saveModel(loadModel(model), src, { externalData: { threshold: 64 } });
    const out = join(dir, 'signed.onnx');
    expect((await octet('sign', src, '--key', key, '-o', out)).code).toBe(0);
    expect((await octet('verify', out, '--pub', pub)).code).toBe(0);
    const data = readFileSync(join(dir, 'model.onnx.data'));
    data[100] ^= 1;
    writeFileSync(join(dir, 'model.onnx.data'), data);
    const r = await octet('verify', out, '--pub', pub);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/tampered/);
    const elsewhere = await octet('sign', src, '--key', key, '-o', join(tmp.path, 'elsewhere.onnx'));
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.err).toMatch(/external data/);
  });

  it('refuses to overwrite the input, and bad keys are one-line failures', async () => {
    expect((await octet('sign', model, '--key', key, '-o', model)).code).toBe(2);
    expect(readFileSync(model)).toEqual(original);
    const r = await octet('sign', model, '--key', pub, '-o', join(tmp.path, 'x.onnx'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/not a PEM PRIVATE KEY/);
    expect((await octet('verify', model, '--pub', model)).err).toMatch(/not a PEM PUBLIC KEY/);
  });
});
