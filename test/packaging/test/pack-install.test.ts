// Packs every publishable packages/* (after `turbo run build`), installs the tarballs into a clean
// temporary project outside the repository (no workspace links: file: tarballs, the rest from the
// registry, npm's cache first), and runs the smoke script and the `octet` bin there.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDataDir, readLabels } from '@octet/quantizer/node';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = join(root, 'test-data/fixtures/mlp_diabetes');
const metrics = JSON.parse(readFileSync(join(fixture, 'ref/metrics.json'), 'utf8')) as { fp32: number; ort_qdq: number };

interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  exports?: Record<string, unknown>;
  bin?: Record<string, string>;
  files?: string[];
}
interface PackResult {
  name: string;
  filename: string;
  files: { path: string }[];
}

const packages = readdirSync(join(root, 'packages'))
  .filter((d) => existsSync(join(root, 'packages', d, 'package.json')))
  .map((d) => ({ dir: `packages/${d}`, pkg: JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8')) as PackageJson }))
  .filter((p) => !p.pkg.private);

// npm run from `npm test` passes npm_config_* (prefix, workspace…) down: the clean project must not see them.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
env.ONNXRUNTIME_NODE_INSTALL = 'skip';

let tmp: string;
let project: string;
let packed: PackResult[];

beforeAll(async () => {
  for (const { dir } of packages) {
    if (!existsSync(join(root, dir, 'dist/index.js'))) throw new Error(`${dir}/dist is missing: run \`npm run build\` first`);
  }
  tmp = mkdtempSync(join(tmpdir(), 'octet-packaging-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', tmp, ...packages.flatMap((p) => ['-w', p.dir])], { cwd: root, env, maxBuffer: 64 << 20 });
  packed = JSON.parse(stdout) as PackResult[];

  project = join(tmp, 'project');
  mkdirSync(project);
  const tarballs = Object.fromEntries(packed.map((p) => [p.name, `file:../${p.filename}`]));
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({
      name: 'octet-packaging-smoke',
      private: true,
      type: 'module',
      dependencies: { ...tarballs, 'onnxruntime-common': '^1.30.0' },
      // Internal `@octet/*` ranges resolve to these tarballs, never to the registry.
      overrides: tarballs,
    }),
  );
  for (const f of ['smoke.mjs', 'page.mjs']) cpSync(fileURLToPath(new URL(`../smoke/${f}`, import.meta.url)), join(project, f));
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, env, maxBuffer: 64 << 20 });
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('packaging: npm pack → clean install → smoke', () => {
  it('packs every publishable package with only what its `files` lists, package.json and README', () => {
    expect(packed.map((p) => p.name).sort()).toEqual(packages.map((p) => p.pkg.name).sort());
    expect(packed.length).toBeGreaterThanOrEqual(9);
    for (const p of packed) {
      const declared = packages.find((q) => q.pkg.name === p.name)!.pkg.files ?? [];
      expect(declared, `${p.name}: package.json "files"`).toContain('dist');
      const files = p.files.map((f) => f.path);
      const listed = (f: string) => declared.some((d) => f === d || f.startsWith(d.replace(/\/$/, '') + '/'));
      const stray = files.filter((f) => !(f === 'package.json' || /^README(\.md)?$/i.test(f) || /^LICENSE/i.test(f) || listed(f)));
      expect(stray, `${p.name}: files not listed in "files"`).toEqual([]);
      expect(files.filter((f) => /(^|\/)(src|test)\//.test(f) || f.endsWith('.ts') && !f.endsWith('.d.ts')), `${p.name}: sources in the tarball`).toEqual([]);
      expect(files.filter((f) => /\.test\.(js|d\.ts)$/.test(f)), `${p.name}: compiled tests in the tarball`).toEqual([]);
      expect(files, p.name).toContain('dist/index.js');
      expect(files, p.name).toContain('dist/index.d.ts');
      expect(files, p.name).toContain('README.md');
    }
  });

  it('installs real copies, not workspace links', () => {
    for (const { pkg } of packages) {
      const dir = join(project, 'node_modules', pkg.name);
      expect(lstatSync(dir).isSymbolicLink(), pkg.name).toBe(false);
      expect(existsSync(join(dir, 'dist/index.js')), pkg.name).toBe(true);
    }
  });

  it('every export of every package imports in plain Node', async () => {
    const specifiers = packages.flatMap(({ pkg }) =>
      Object.keys(pkg.exports ?? { '.': null })
        .filter((k) => !k.includes('*'))
        .map((k) => (k === '.' ? pkg.name : `${pkg.name}/${k.slice(2)}`)),
    );
    const script = `for (const s of ${JSON.stringify(specifiers)}) { const m = await import(s); if (!Object.keys(m).length) throw new Error(s + ' exports nothing'); } console.log('ok');`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: project, env });
    expect(stdout.trim()).toBe('ok');
  });

  it('quantizes the regression fixture and runs float and int8 through onnxruntime-common on the octet backend', async () => {
    const { stdout } = await run(process.execPath, ['smoke.mjs', fixture], { cwd: project, env });
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number | boolean>;
    expect(r.floatRmse as number).toBeCloseTo(metrics.fp32, 2);
    expect(Math.abs((r.int8Rmse as number) - metrics.ort_qdq)).toBeLessThan(1);
    expect(r.int8Bytes as number).toBeLessThan(r.floatBytes as number);
    expect(r.quantizedOps as number).toBeGreaterThan(0);
    expect(r.reportHasSvg).toBe(true);
  });

  it('the installed `octet` bin runs', async () => {
    const { stdout } = await run(join(project, 'node_modules/.bin/octet'), ['inspect', join(fixture, 'model.onnx')], { cwd: project, env });
    expect(stdout).toContain('inputs:');
    expect(stdout).toMatch(/x\s+float32 \[batch, 10\]/);
  });

  it('an esbuild bundle of the installed packages quantizes and runs the fixture in Chromium', async () => {
    // Bundled from the clean project's node_modules (esbuild resolves next to the entry).
    const pub = join(project, 'public');
    await build({ absWorkingDir: project, entryPoints: ['page.mjs'], bundle: true, format: 'esm', platform: 'browser', external: ['node:*'], outfile: join(pub, 'page.js'), logLevel: 'error' });
    cpSync(join(project, 'node_modules/@octet/runtime-web/dist/wasm'), join(pub, 'wasm'), { recursive: true });
    cpSync(join(fixture, 'model.onnx'), join(pub, 'model.onnx'));
    const calib = readDataDir(join(fixture, 'calib'), ['x']).x;
    const test = readDataDir(join(fixture, 'test'), ['x']).x;
    const labels = Array.from(readLabels(join(fixture, 'test')).data as ArrayLike<number>, Number);
    writeFileSync(join(pub, 'data.json'), JSON.stringify({ features: calib.dims[1], calib: Array.from(calib.data as Float32Array), test: Array.from(test.data as Float32Array), labels }));
    writeFileSync(join(pub, 'index.html'), '<!doctype html><meta charset="utf-8"><title>octet smoke</title><script type="module" src="/page.js"></script>');

    const types: Record<string, string> = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html', '.json': 'application/json' };
    const server = createServer((req, res) => {
      const file = join(pub, normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
      if (!file.startsWith(pub) || !existsSync(file)) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`);
      await page.waitForFunction('window.__ready === true');
      const r = (await page.evaluate('window.__smoke()')) as { floatRmse: number; int8Rmse: number; floatBytes: number; int8Bytes: number };
      expect(errors).toEqual([]);
      expect(r.floatRmse).toBeCloseTo(metrics.fp32, 2);
      expect(Math.abs(r.int8Rmse - metrics.ort_qdq)).toBeLessThan(1);
      expect(r.int8Bytes).toBeLessThan(r.floatBytes);
    } finally {
      await browser.close();
      await new Promise((r) => server.close(r));
    }
  });
});
