// The `octet` command bundled from source (esbuild) into a temp folder that can resolve the
// repo's node_modules (onnxruntime-*) and the kernels' .wasm, so tests can spawn it as a real
// process (signals, exit codes) without a prior build.
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const src = (p: string) => join(repo, 'packages', p);

export async function bundleCli(): Promise<{ dir: string; bin: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'octet-cli-'));
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
  mkdirSync(join(dir, 'wasm'));
  const wasmDir = src('kernels/build');
  for (const f of readdirSync(wasmDir)) if (f.endsWith('.wasm')) symlinkSync(join(wasmDir, f), join(dir, 'wasm', f));
  const bin = join(dir, 'octet.mjs');
  await build({
    entryPoints: [src('cli/src/bin.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bin,
    logLevel: 'silent',
    external: ['onnxruntime-node', 'onnxruntime-web', 'onnxruntime-common'],
    alias: {
      '@octet/onnx/node': src('onnx/src/node.ts'),
      '@octet/onnx': src('onnx/src/index.ts'),
      '@octet/kernels': src('kernels/src/index.ts'),
      '@octet/runtime-node': src('runtime-node/src/index.ts'),
      '@octet/runtime': src('runtime/src/index.ts'),
      '@octet/quantizer': src('quantizer/src/index.ts'),
      '@octet/report': src('report/src/index.ts'),
      '@octet/signature': src('signature/src/index.ts'),
    },
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return { dir, bin };
}
