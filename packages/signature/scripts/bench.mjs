#!/usr/bin/env node
// Sign/verify time per fixture model (median of 7), beside the peer: Node's own crypto (OpenSSL)
// doing SHA-512 + Ed25519 over the raw file bytes — the floor for any scheme that hashes the file.
//   node packages/signature/scripts/bench.mjs   (run under flock /tmp/octet-bench.lock)
import { createHash, createPrivateKey, sign as nodeSign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'octet-sig-bench-'));
const out = join(dir, 'sig.mjs');
await build({
  entryPoints: [here('../src/index.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: out,
  logLevel: 'silent',
  alias: { '@octet/onnx': here('../../onnx/src/index.ts') },
});
const sig = await import(pathToFileURL(out).href);
rmSync(dir, { recursive: true, force: true });

const key = sig.privateKeyFromSeed(new Uint8Array(32).fill(3));
const nodeKey = createPrivateKey(sig.exportPrivateKeyPem(key));
const median = async (f) => {
  const t = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    await f();
    t.push(performance.now() - t0);
  }
  return t.sort((a, b) => a - b)[3];
};
console.log('model                     MB   sign ms  verify ms  verifySync ms  node-crypto ms');
for (const name of ['mlp_diabetes', 'cnn_digits', 'encoder_sentiment', 'mobilenetv2_digits']) {
  const bytes = new Uint8Array(readFileSync(here(`../../../test-data/fixtures/${name}/model.onnx`)));
  const signed = (await sig.sign(bytes, key)).model;
  const s = await median(() => sig.sign(bytes, key));
  const v = await median(() => sig.verify(signed, key.publicKey));
  const vs = await median(() => sig.verifySync(signed, key.publicKey));
  const peer = await median(() => nodeSign(null, createHash('sha512').update(bytes).digest(), nodeKey));
  console.log(`${name.padEnd(24)}${(bytes.length / 2 ** 20).toFixed(2).padStart(5)}${s.toFixed(1).padStart(10)}${v.toFixed(1).padStart(11)}${vs.toFixed(1).padStart(15)}${peer.toFixed(1).padStart(16)}`);
}
