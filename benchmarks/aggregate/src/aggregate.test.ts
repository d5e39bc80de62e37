// The aggregator on recorded suite results (test/fixtures/*.json, copied from real runs): the
// ratios it reports are recomputed here from the suites' own medians, a missing/failed/skipped
// suite is said so in the table, and the charts are real SVGs naming what they plot.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { buildLatest, type RunContext } from './latest.js';
import { loadSuite, readSuites, type LoadedSuite } from './suites.js';
import { renderMarkdown } from './markdown.js';
import { chartSpecs, renderCharts } from './charts.js';
import { replaceBenchSection, START, END } from './readme-section.js';
import { aggregate } from './main.js';

const fixtures = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
const fixture = (name: string) => JSON.parse(readFileSync(join(fixtures, `${name}.json`), 'utf8'));
const ctx: RunContext = {
  date: '2026-11-28T02:00:00.000Z',
  quick: false,
  machine: { cpu: 'Test CPU', cores: 2, reportedMhz: 2100, os: 'Linux test', memoryGB: 24 },
  versions: { node: 'v20.20.2', 'onnxruntime-web': '1.30.0', 'onnxruntime-node': '1.30.0' },
};
const allOk = (): Record<string, LoadedSuite> => readSuites(fixtures);
/** The Markdown line of a table row whose first cell is `first`. */
const rowLine = (md: string, first: string) => md.split('\n').find((l) => l.startsWith(`| ${first} |`));

const temps: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'octet-aggregate-test-'));
  temps.push(d);
  return d;
};
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('models', () => {
  it('reports ort-web ÷ Octet from the suite medians, per thread count, with ort-node beside', () => {
    const json = fixture('models');
    const latest = buildLatest(allOk(), ctx);
    const md = renderMarkdown(latest);
    expect(latest.models!.rows.filter((r) => r.env === 'node')).toHaveLength(json.rows.length);
    for (const r of json.rows) {
      const row = latest.models!.rows.find((x) => x.case === r.case && x.env === 'node')!;
      const web = r.ms['ort-web'];
      expect(row.octetMs).toEqual({ '1': r.ms['octet-node-1t'], '2': r.ms['octet-node-2t'] });
      expect(row.vsOrtWeb['1']).toBeCloseTo(web / r.ms['octet-node-1t'], 12);
      expect(row.vsOrtWeb['2']).toBeCloseTo(web / r.ms['octet-node-2t'], 12);
      expect(row.ortNodeMs).toBe(r.ms['ort-node']);
      const line = rowLine(md, r.case)!;
      expect(line).toContain(`| ${(web / r.ms['octet-node-1t']).toFixed(2)}× |`);
      expect(line).toContain(`| ${(web / r.ms['octet-node-2t']).toFixed(2)}× |`);
    }
    expect(md).toContain('| case | Octet 1t | Octet 2t | ort-web | ort-web ÷ Octet 1t | ort-web ÷ Octet 2t | ort-node (ref.) |');
    expect(md).toContain('Chromium: not measured by the model suite');
  });

  it('puts peers that ran in Chromium in their own table and ratio', () => {
    const json = fixture('models');
    const r0 = json.rows[0];
    r0.ms['octet-chromium-1t'] = 2;
    r0.ms['ort-web-chromium'] = 5;
    const suites = { ...allOk(), models: loadSuite('models', JSON.stringify(json)) };
    const latest = buildLatest(suites, ctx);
    const chromium = latest.models!.rows.filter((r) => r.env === 'chromium');
    expect(chromium).toEqual([{ case: r0.case, env: 'chromium', octetMs: { '1': 2 }, ortWebMs: 5, vsOrtWeb: { '1': 2.5 } }]);
    const md = renderMarkdown(latest);
    const chromiumPart = md.slice(md.indexOf('**Chromium**'));
    expect(rowLine(chromiumPart, r0.case)).toBe(`| ${r0.case} | 2.00 | 5.00 | 2.50× |`);
    // the Node row is unchanged by the Chromium peers
    expect(latest.models!.rows.find((r) => r.env === 'node' && r.case === r0.case)!.ortWebMs).toBe(json.rows[0].ms['ort-web']);
  });

  it('reads the suite\'s Chromium peers (recorded run) into a Chromium table with its own ratios', () => {
    const json = fixture('models-chromium');
    const suites: Record<string, LoadedSuite> = { models: loadSuite('models', JSON.stringify(json)) };
    const latest = buildLatest(suites, ctx);
    expect(latest.versions.chromium).toBe(json.browser);
    const md = renderMarkdown(latest);
    const chromiumPart = md.slice(md.indexOf('**Chromium**'));
    for (const r of json.rows) {
      const row = latest.models!.rows.find((x) => x.case === r.case && x.env === 'chromium')!;
      expect(row.octetMs).toEqual({ '1': r.ms['octet-chromium-1t'], '2': r.ms['octet-chromium-2t'] });
      expect(row.ortWebMs).toBe(r.ms['ort-web-chromium']);
      expect(row.ortNodeMs).toBeUndefined();
      expect(row.vsOrtWeb['1']).toBeCloseTo(r.ms['ort-web-chromium'] / r.ms['octet-chromium-1t'], 12);
      expect(rowLine(chromiumPart, r.case)).toContain(`| ${(r.ms['ort-web-chromium'] / r.ms['octet-chromium-2t']).toFixed(2)}× |`);
      const node = latest.models!.rows.find((x) => x.case === r.case && x.env === 'node')!;
      expect(node.ortWebMs).toBe(r.ms['ort-web']);
    }
    expect(md).not.toContain('Chromium: not measured');
  });

  it('shows a peer error next to its case', () => {
    const json = fixture('models');
    json.errors = { 'ort-web': { [json.rows[1].case]: 'unsupported op Foo' } };
    delete json.rows[1].ms['ort-web'];
    const latest = buildLatest({ ...allOk(), models: loadSuite('models', JSON.stringify(json)) }, ctx);
    const row = latest.models!.rows.find((r) => r.case === json.rows[1].case)!;
    expect(row.error).toBe('ort-web: unsupported op Foo');
    expect(row.vsOrtWeb).toEqual({});
    expect(renderMarkdown(latest)).toContain(`| ${json.rows[1].case} (ort-web: unsupported op Foo) |`);
  });
});

describe('kernels', () => {
  it('compares each Octet build with ort-web QLinear in the same environment, leaving the i32 variants out', () => {
    const json = fixture('kernels');
    const latest = buildLatest(allOk(), ctx);
    const s = json.summary;
    for (const c of json.cases) {
      const node = latest.kernels!.rows.find((r) => r.case === c.id && r.env === 'node')!;
      expect(Object.keys(node.octet)).toEqual(['1t', '2t']);
      expect(node.vsOrtWeb['1t']).toBeCloseTo(s['ort-web-qlinear'][c.id].msMedian / s['octet-node-1t'][c.id].msMedian, 12);
      expect(node.ortNode!.gops).toBe(s['ort-node-qlinear'][c.id].gops);
      expect(node.pairedVsOrtWeb).toBe(json.paired['octet 1t vs ort-web QLinear (paired)'][c.id]);
      expect(node.outputsMatchOrtWeb).toBe(true);
      const chromium = latest.kernels!.rows.find((r) => r.case === c.id && r.env === 'chromium')!;
      expect(Object.keys(chromium.octet).sort()).toEqual(['relaxed', 'simd']);
      expect(chromium.vsOrtWeb.relaxed).toBeCloseTo(s['chromium-ort-web-qlinear'][c.id].msMedian / s['chromium-relaxed'][c.id].msMedian, 12);
    }
    const md = renderMarkdown(latest);
    expect(md).not.toContain('i32');
    expect(md).not.toContain('integer');
  });

  it('flags an output that differs from ort-web', () => {
    const json = fixture('kernels');
    const id = json.cases[0].id;
    json.outputsAgree[id]['octet-node-2t'] = false;
    const latest = buildLatest({ ...allOk(), kernels: loadSuite('kernels', JSON.stringify(json)) }, ctx);
    expect(latest.kernels!.rows.find((r) => r.case === id && r.env === 'node')!.outputsMatchOrtWeb).toBe(false);
    expect(latest.kernels!.rows.find((r) => r.case === id && r.env === 'chromium')!.outputsMatchOrtWeb).toBe(true);
    expect(rowLine(renderMarkdown(latest), id)).toMatch(/\*\*NO\*\* \|$/);
  });
});

describe('bundle size', () => {
  it('sums JS and .wasm per app and relates gzip totals to onnxruntime-web/wasm', () => {
    const json = fixture('bundle-size');
    const latest = buildLatest(allOk(), ctx);
    const ref = json.apps.find((a: { id: string }) => a.id === 'ort-web-wasm');
    for (const a of json.apps) {
      const row = latest.bundleSize!.rows.find((r) => r.id === a.id)!;
      const gzip = a.files.reduce((n: number, f: { gzip: number }) => n + f.gzip, 0);
      expect(row.total.gzip).toBe(gzip);
      expect(row.gzipVsOrtWeb).toBeCloseTo(gzip / ref.files.reduce((n: number, f: { gzip: number }) => n + f.gzip, 0), 12);
      expect(rowLine(renderMarkdown(latest), a.label)).toContain(`| ${((100 * gzip) / ref.total.gzip).toFixed(1)} % |`);
    }
    expect(latest.bundleSize!.measuredIn).toMatch(/fetched by Chromium/);
  });

  it('lists what each package adds to the JS, largest first', () => {
    const octet = fixture('bundle-size').apps.find((a: { id: string }) => a.id === 'octet');
    const md = renderMarkdown(buildLatest(allOk(), ctx));
    const line = md.split('\n').find((l) => l.startsWith(`- ${octet.label}: `))!;
    const listed = line.slice(`- ${octet.label}: `.length).split(', ');
    const expected = Object.entries(octet.jsByPackage as Record<string, number>).sort((a, b) => b[1] - a[1]);
    expect(listed).toEqual(expected.map(([p, n]) => `${p} ${(n / 1024).toFixed(1)} KB`));
  });
});

describe('suites that did not deliver', () => {
  it('says a suite is missing when it left no results, and keeps the others', () => {
    const dir = tempDir();
    for (const s of ['models', 'kernels', 'bundle-size', 'onnx']) cpSync(join(fixtures, `${s}.json`), join(dir, `${s}.json`));
    const latest = buildLatest(readSuites(dir), ctx);
    expect(latest.suites.find((s) => s.name === 'quantizer')).toEqual({ name: 'quantizer', state: 'missing', detail: 'no results file' });
    expect(latest.quantizer).toBeUndefined();
    expect(latest.models).toBeDefined();
    const md = renderMarkdown(latest);
    expect(rowLine(md, 'quantizer')).toContain('**missing** (no results file)');
    expect(md.slice(md.indexOf('Quantizer'))).toMatch(/^Quantizer: time and peak memory\n\n_No results in this run: \*\*missing\*\* \(no results file\)\._/);
  });

  it('never shows a failed suite\'s older results as this run\'s', () => {
    const runs = {
      models: { state: 'failed' as const, exitCode: 1, seconds: 12 },
      kernels: { state: 'ok' as const, exitCode: 0, startedAt: '2026-11-28T00:00:00.000Z' },
      quantizer: { state: 'ok' as const, exitCode: 0, startedAt: '2030-01-01T00:00:00.000Z' },
      'bundle-size': { state: 'ok' as const, exitCode: 0 },
      onnx: { state: 'skipped' as const, reason: '--quick' },
    };
    const latest = buildLatest(readSuites(fixtures, runs), ctx);
    const status = Object.fromEntries(latest.suites.map((s) => [s.name, s]));
    expect(status.models).toEqual({ name: 'models', state: 'failed', detail: 'exit code 1', seconds: 12 });
    expect(latest.models).toBeUndefined();
    expect(status.kernels!.state).toBe('ok');
    // exited 0 but its file predates the run
    expect(status.quantizer!.state).toBe('failed');
    expect(status.quantizer!.detail).toMatch(/did not write new results/);
    expect(latest.quantizer).toBeUndefined();
    // skipped with results from an earlier run: shown, and labelled
    expect(status.onnx).toMatchObject({ state: 'skipped', earlierRun: true, detail: '--quick' });
    expect(latest.onnx).toBeDefined();
    const md = renderMarkdown(latest);
    expect(rowLine(md, 'models')).toBe('| models | **failed** (exit code 1) | — | 12 s |');
    expect(rowLine(md, 'onnx')).toContain('skipped (--quick); showing an earlier run');
    expect(chartSpecs(latest).map((c) => c.file)).toEqual(['kernels.svg', 'bundle-size.svg']);
  });

  it('marks unreadable or unexpected JSON as failed, naming the problem', () => {
    expect(loadSuite('models', '{"rows": [').status).toMatchObject({ state: 'failed', detail: expect.stringMatching(/^unreadable results: /) });
    const kernels = fixture('kernels');
    delete kernels.summary;
    const latest = buildLatest({ ...allOk(), kernels: loadSuite('kernels', JSON.stringify(kernels)) }, ctx);
    expect(latest.suites.find((s) => s.name === 'kernels')).toMatchObject({ state: 'failed', detail: 'kernels.json: summary is not an object' });
    expect(latest.kernels).toBeUndefined();
    expect(latest.models).toBeDefined();
  });
});

describe('charts', () => {
  it('renders one SVG per suite with data, without warnings, naming every case and app', async () => {
    const latest = buildLatest(allOk(), ctx);
    const charts = await renderCharts(latest);
    expect(charts.map((c) => c.file)).toEqual(['models.svg', 'kernels.svg', 'bundle-size.svg']);
    for (const c of charts) {
      expect(c.warnings).toEqual([]);
      expect(c.svg.startsWith('<svg')).toBe(true);
      expect(c.svg).toContain(c.title.replace(/&/g, '&amp;'));
    }
    const text = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    const [models, kernels, bundle] = charts.map((c) => text(c.svg));
    for (const r of fixture('models').rows) expect(models).toContain(r.case);
    for (const c of fixture('kernels').cases) expect(kernels).toContain(c.id);
    for (const a of fixture('bundle-size').apps) expect(bundle).toContain(a.label);
    // one bar per (case, series) in the models chart: 16 cases × Octet 1t and 2t
    const bars = charts[0]!.svg.match(/<path[^>]*aria-roledescription="bar"/g) ?? [];
    expect(bars.length).toBe(fixture('models').rows.length * 2);
  });
});

describe('README section', () => {
  const readme = `# Octet\n\nintro\n\n${START}\nold table\n${END}\n\n## Next\nrest\n`;

  it('rewrites only what lies between the markers', () => {
    const next = replaceBenchSection(readme, 'new table\n')!;
    expect(next).toBe(`# Octet\n\nintro\n\n${START}\nnew table\n${END}\n\n## Next\nrest\n`);
  });

  it('leaves a README without (or with doubled) markers alone', () => {
    expect(replaceBenchSection('# Octet\n', 'x')).toBeUndefined();
    expect(replaceBenchSection(`${END}\n${START}\n`, 'x')).toBeUndefined();
    expect(replaceBenchSection(`${START}\n${END}\n${START}\n${END}\n`, 'x')).toBeUndefined();
  });
});

describe('aggregate (files)', () => {
  it('writes latest.json, latest.md and the charts, removes a stale chart, and updates the README section', async () => {
    const dir = tempDir();
    for (const s of ['kernels', 'quantizer', 'bundle-size', 'onnx']) cpSync(join(fixtures, `${s}.json`), join(dir, `${s}.json`));
    writeFileSync(join(dir, 'models.svg'), '<svg>stale</svg>');
    const readmePath = join(dir, 'README.md');
    writeFileSync(readmePath, `before\n${START}\n${END}\nafter\n`);
    const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
    const out = await aggregate({ resultsDir: dir, readme: readmePath, repoRoot, date: ctx.date });
    expect(out.readmeUpdated).toBe(true);
    const latest = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8'));
    expect(latest.suites.find((s: { name: string }) => s.name === 'models').state).toBe('missing');
    expect(latest.versions['onnxruntime-web']).toBe(JSON.parse(readFileSync(join(repoRoot, 'node_modules/onnxruntime-web/package.json'), 'utf8')).version);
    expect(existsSync(join(dir, 'models.svg'))).toBe(false);
    expect(readFileSync(join(dir, 'kernels.svg'), 'utf8')).toMatch(/^<svg/);
    const md = readFileSync(join(dir, 'latest.md'), 'utf8');
    expect(md).toContain('![Kernels: onnxruntime-web time ÷ Octet time, same op (above 1: Octet faster)](kernels.svg)');
    const readme = readFileSync(readmePath, 'utf8');
    expect(readme.startsWith(`before\n${START}\n`)).toBe(true);
    expect(readme.endsWith(`${END}\nafter\n`)).toBe(true);
    expect(readme).toContain('](benchmarks/results/kernels.svg)');
    expect(readme).toContain('### Models: end-to-end latency');
    // the README keeps to speed and size; the rest is in latest.md
    expect(readme).not.toContain('### ONNX decode/encode');
    expect(readme).not.toContain('### Quantizer');
    expect(md).toContain('## ONNX decode/encode');
    expect(md).toContain('## Quantizer: time and peak memory');
  });
});
