// Test helper: bundles the package's TypeScript sources with esbuild so a child Node process
// (with V8 flags) or a Chromium page can run the real loader and kernels.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

export const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

/** 'esm': Node (child processes), 'iife': a page script (global OctetKernels), 'esm-browser': a browser module. */
export async function bundleKernels(format: 'esm' | 'iife' | 'esm-browser'): Promise<string> {
  const r = await build({
    entryPoints: [fileURLToPath(new URL('../index.ts', import.meta.url))],
    bundle: true,
    format: format === 'iife' ? 'iife' : 'esm',
    globalName: format === 'iife' ? 'OctetKernels' : undefined,
    platform: format === 'esm' ? 'node' : 'browser',
    external: ['node:*'],
    write: false,
    logLevel: 'silent',
  });
  return r.outputFiles[0].text;
}

export function wasmPath(variant: string): string {
  return `${packageRoot}build/octet-kernels-${variant}.wasm`;
}
