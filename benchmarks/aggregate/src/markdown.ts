// latest.json → Markdown: how it was measured, which suites ran, and one table per suite with
// Octet beside onnxruntime-web (ratios) and onnxruntime-node for reference.
import type { KernelRow, Latest, ModelRow, SuiteStatus } from './types.js';
import { fmtBytes, fmtMs, fmtNumber, fmtPercent, fmtRatio, mdTable } from './format.js';
import type { ChartFile } from './charts.js';

export interface MarkdownOptions {
  /** prefix for chart links (latest.md sits next to the SVGs: ''; the root README: 'benchmarks/results/') */
  assetBase?: string;
  /** charts that were written, to link under their section */
  charts?: ChartFile[];
  /** Markdown heading level of the section titles (2 → `##`) */
  level?: number;
  /** the README's version: speed and size only (no quantizer, ONNX codec or per-package tables) */
  compact?: boolean;
}

const ENV_LABEL = { node: 'Node', chromium: 'Chromium' } as const;

function describeStatus(s: SuiteStatus): string {
  switch (s.state) {
    case 'ok':
      return 'ok';
    case 'failed':
      return `**failed** (${s.detail ?? 'no detail'})`;
    case 'missing':
      return `**missing** (${s.detail ?? 'no results'})`;
    case 'skipped':
      return s.earlierRun ? `skipped (${s.detail ?? 'not run'}); showing an earlier run` : `skipped (${s.detail ?? 'not run'})`;
  }
}

export function measuredLine(l: Latest): string {
  const m = l.machine;
  const clock = [m.reportedMhz ? `${(m.reportedMhz / 1000).toFixed(2)} GHz reported` : '', m.measuredGhz ? `effective ~${m.measuredGhz.toFixed(2)} GHz measured by the kernel suite, below the core clock when other processes share the core` : ''].filter(Boolean).join(', ');
  const v = l.versions;
  const versions = [`Node ${v.node}`, v.chromium && `Chromium ${v.chromium}`, v['onnxruntime-web'] && `onnxruntime-web ${v['onnxruntime-web']}`, v['onnxruntime-node'] && `onnxruntime-node ${v['onnxruntime-node']}`, v.esbuild && `esbuild ${v.esbuild}`].filter(Boolean).join(', ');
  const load = m.loadAverage ? ` Load average seen by the model suite: ${m.loadAverage.min.toFixed(2)}–${m.loadAverage.max.toFixed(2)}.` : '';
  return `Machine: ${m.cpu}, ${m.cores} cores${clock ? ` (${clock})` : ''}, ${m.memoryGB} GB RAM, ${m.os}. Versions: ${versions}.${load} Table written ${l.date.slice(0, 16).replace('T', ' ')} UTC; each suite's results date is in the status table.`;
}

function unavailable(l: Latest, suite: string): string {
  const s = l.suites.find((x) => x.name === suite);
  return `_No results in this run: ${s ? describeStatus(s) : 'not run'}._`;
}

function chartLink(o: MarkdownOptions, suite: string): string {
  const cs = (o.charts ?? []).filter((c) => c.suite === suite);
  return cs.map((c) => `\n\n![${c.title}](${o.assetBase ?? ''}${c.file})`).join('');
}

const numericKeys = (rows: Record<string, unknown>[]) => [...new Set(rows.flatMap((r) => Object.keys(r)))].sort((a, b) => parseFloat(a) - parseFloat(b));

export function modelsTable(rows: ModelRow[], env: 'node' | 'chromium'): string {
  const mine = rows.filter((r) => r.env === env);
  const threads = numericKeys(mine.map((r) => r.octetMs));
  const hasNode = mine.some((r) => r.ortNodeMs !== undefined);
  const header = ['case', ...threads.map((t) => `Octet ${t}t`), 'ort-web', ...threads.map((t) => `ort-web ÷ Octet ${t}t`), ...(hasNode ? ['ort-node (ref.)'] : [])];
  const body = mine.map((r) => [
    r.error ? `${r.case} (${r.error.length > 120 ? `${r.error.slice(0, 119)}…` : r.error})` : r.case,
    ...threads.map((t) => fmtMs(r.octetMs[t])),
    fmtMs(r.ortWebMs),
    ...threads.map((t) => fmtRatio(r.vsOrtWeb[t])),
    ...(hasNode ? [fmtMs(r.ortNodeMs)] : []),
  ]);
  return mdTable(header, body);
}

export function kernelsTable(rows: KernelRow[], env: 'node' | 'chromium'): string {
  const mine = rows.filter((r) => r.env === env);
  const labels = [...new Set(mine.flatMap((r) => Object.keys(r.octet)))];
  const hasPaired = mine.some((r) => r.pairedVsOrtWeb !== undefined);
  const hasNode = mine.some((r) => r.ortNode !== undefined);
  const hasAgree = mine.some((r) => r.outputsMatchOrtWeb !== undefined);
  const header = [
    'case',
    ...labels.map((l) => `Octet ${l}`),
    'ort-web',
    ...labels.map((l) => `ort-web ÷ Octet ${l}`),
    ...(hasPaired ? ['paired ort-web ÷ Octet 1t'] : []),
    ...(hasNode ? ['ort-node (ref.)'] : []),
    ...(hasAgree ? ['u8 output = ort-web'] : []),
  ];
  const gops = (v?: { gops: number }) => (v ? `${fmtNumber(v.gops)} GOPS` : '—');
  const body = mine.map((r) => [
    r.case,
    ...labels.map((l) => gops(r.octet[l])),
    gops(r.ortWeb),
    ...labels.map((l) => fmtRatio(r.vsOrtWeb[l])),
    ...(hasPaired ? [fmtRatio(r.pairedVsOrtWeb)] : []),
    ...(hasNode ? [gops(r.ortNode)] : []),
    ...(hasAgree ? [r.outputsMatchOrtWeb === undefined ? '—' : r.outputsMatchOrtWeb ? 'yes' : '**NO**'] : []),
  ]);
  return mdTable(header, body);
}

export function renderMarkdown(l: Latest, o: MarkdownOptions = {}): string {
  const h = '#'.repeat(o.level ?? 2);
  const out: string[] = [];
  out.push(measuredLine(l));
  if (l.quick) out.push('**Quick smoke run** (`--quick`: one round, fewer cases): not for quoting.');
  out.push(
    'Ratios are the peer\'s median time ÷ Octet\'s median time in the same run: above 1× Octet is faster. onnxruntime-web runs its wasm backend with 1 thread; onnxruntime-node (native code, 1 intra-op thread) is shown for reference. The machine is shared, so compare ratios from one run, not absolute times across runs.',
  );
  out.push(
    mdTable(
      ['suite', 'status', 'results dated', 'run time'],
      l.suites.map((s) => [s.name, describeStatus(s), s.date ? s.date.slice(0, 16).replace('T', ' ') : '—', s.seconds === undefined ? '—' : `${Math.round(s.seconds)} s`]),
      ['l', 'l', 'l', 'r'],
    ),
  );

  out.push(`${h} Models: end-to-end latency (ms per inference)`);
  if (l.models) {
    out.push(`Method: ${l.models.method}.`);
    for (const env of ['node', 'chromium'] as const) {
      if (l.models.rows.some((r) => r.env === env)) out.push(`**${ENV_LABEL[env]}**\n\n${modelsTable(l.models.rows, env)}`);
    }
    if (!l.models.rows.some((r) => r.env === 'chromium')) out.push('_Chromium: not measured by the model suite in this run._');
    out[out.length - 1] += chartLink(o, 'models');
  } else out.push(unavailable(l, 'models'));

  out.push(`${h} Kernels: int8 GEMM and convolution throughput`);
  if (l.kernels) {
    out.push(`Method: ${l.kernels.method}.`);
    for (const env of ['node', 'chromium'] as const) {
      if (l.kernels.rows.some((r) => r.env === env)) out.push(`**${ENV_LABEL[env]}**\n\n${kernelsTable(l.kernels.rows, env)}`);
    }
    out[out.length - 1] += chartLink(o, 'kernels');
  } else out.push(unavailable(l, 'kernels'));

  out.push(`${h} Bundle size: what a browser app ships`);
  if (l.bundleSize) {
    const b = l.bundleSize;
    out.push(`${b.model ? `A page that creates a session and runs ${b.model}. ` : ''}Counted: ${b.measuredIn}. Method: ${b.method}.`);
    const kb = (s: { raw: number; gzip: number; brotli: number }) => `${fmtBytes(s.raw)} / ${fmtBytes(s.gzip)} / ${fmtBytes(s.brotli)}`;
    out.push(
      mdTable(
        ['app', 'JS raw / gzip / brotli', '.wasm raw / gzip / brotli', 'total gzip', 'total brotli', 'total gzip, % of onnxruntime-web/wasm', 'files'],
        b.rows.map((r) => [r.label, kb(r.js), kb(r.wasm), fmtBytes(r.total.gzip), fmtBytes(r.total.brotli), fmtPercent(r.gzipVsOrtWeb), r.files.join(', ')]),
        ['l', 'r', 'r', 'r', 'r', 'r', 'l'],
      ),
    );
    const breakdown = o.compact ? [] : b.rows.filter((r) => r.jsByPackage && Object.keys(r.jsByPackage).length > 1);
    if (breakdown.length) {
      out.push(
        'JS by package (minified bytes in the bundle, before compression):\n\n' +
          breakdown.map((r) => `- ${r.label}: ${Object.entries(r.jsByPackage!).map(([p, n]) => `${p} ${fmtBytes(n)}`).join(', ')}`).join('\n'),
      );
    }
    out[out.length - 1] += chartLink(o, 'bundle-size');
  } else out.push(unavailable(l, 'bundle-size'));

  if (o.compact) return out.join('\n\n') + '\n';

  out.push(`${h} Quantizer: time and peak memory`);
  if (l.quantizer) {
    out.push(`Method: ${l.quantizer.method}.`);
    out.push(
      mdTable(
        ['case', 'parameters', 'seconds', 'peak beyond baseline', 'goal', 'met'],
        l.quantizer.rows.map((r) => [r.case, r.params === undefined ? '—' : `${(r.params / 1e6).toFixed(1)} M`, fmtNumber(r.seconds, 2), r.peakMB === undefined ? '—' : `${fmtNumber(r.peakMB)} MB`, r.goal ?? '—', r.met === undefined ? '—' : r.met ? 'yes' : '**no**']),
        ['l', 'r', 'r', 'r', 'l', 'l'],
      ),
    );
  } else out.push(unavailable(l, 'quantizer'));

  out.push(`${h} ONNX decode/encode`);
  if (l.onnx) {
    // Octet first, then the peers
    const impls = [...new Set(l.onnx.rows.flatMap((r) => Object.keys(r.medianMs)))].sort((a, b) => Number(b.includes('octet')) - Number(a.includes('octet')) || a.localeCompare(b));
    out.push(`Method: ${l.onnx.method}. Cells: median ms (peak memory beyond the input, × model size).`);
    out.push(
      mdTable(
        ['model', 'op', ...impls],
        l.onnx.rows.map((r) => [r.model, r.op, ...impls.map((i) => (r.medianMs[i] === undefined ? '—' : `${fmtMs(r.medianMs[i])}${r.peakRatio[i] === undefined ? '' : ` (${r.peakRatio[i]!.toFixed(2)}×)`}`))]),
        ['l', 'l', ...impls.map(() => 'r' as const)],
      ),
    );
  } else out.push(unavailable(l, 'onnx'));

  return out.join('\n\n') + '\n';
}
