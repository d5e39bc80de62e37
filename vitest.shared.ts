import { fileURLToPath } from 'node:url';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

// Workspace packages resolve to their TypeScript sources, so tests never need a prior `tsc` build.
// (@octet/kernels still needs its .wasm built: `npm test` runs `turbo run build` first.)
export const octetAliases = {
  '@octet/onnx/node': fileURLToPath(new URL('./packages/onnx/src/node.ts', import.meta.url)), // before '@octet/onnx' (prefix match)
  '@octet/onnx': pkg('onnx'),
  '@octet/kernels': pkg('kernels'),
  '@octet/runtime': pkg('runtime'),
  '@octet/runtime-node': pkg('runtime-node'),
  '@octet/runtime-web': pkg('runtime-web'),
  '@octet/quantizer/node': fileURLToPath(new URL('./packages/quantizer/src/node.ts', import.meta.url)),
  '@octet/quantizer': pkg('quantizer'),
  '@octet/report/node': fileURLToPath(new URL('./packages/report/src/node.ts', import.meta.url)),
  '@octet/report': pkg('report'),
  '@octet/cli': pkg('cli'),
  '@octet/signature': pkg('signature'),
};

export function octetProject(name: string, extra: UserWorkspaceConfig['test'] = {}) {
  return defineProject({
    resolve: { alias: octetAliases },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 120_000,
      hookTimeout: 120_000,
      ...extra,
    },
  });
}
