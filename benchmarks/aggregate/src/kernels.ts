// Kernel suite (benchmarks/kernels) → rows per case and environment: Octet's u8×s8→u8 kernels
// (QLinearMatMul/QLinearConv semantics) beside onnxruntime-web and onnxruntime-node running the
// same QLinear op. MatMulInteger (i32 output) columns are left to the suite's own table.
import type { KernelRow, SuiteMethod } from './types.js';
import { arrayField, isObject, num, objectField, str, type Json } from './suite-json.js';

interface Column {
  env: 'node' | 'chromium';
  kind: 'octet' | 'ort-web' | 'ort-node';
  label: string;
}

export function parseKernelColumn(col: string): Column | undefined {
  if (col.endsWith('-i32') || col.endsWith('-integer')) return undefined;
  const env = col.startsWith('chromium') ? 'chromium' : 'node';
  if (col.includes('ort-web')) return { env, kind: 'ort-web', label: 'ort-web' };
  if (col.includes('ort-node')) return { env, kind: 'ort-node', label: 'ort-node' };
  return { env, kind: 'octet', label: col.replace(/^(octet-node|octet-chromium|chromium|octet)-/, '') };
}

export function kernelsSection(json: Json): SuiteMethod & { rows: KernelRow[] } {
  const summary = objectField('kernels', json, 'summary');
  const cases = arrayField('kernels', json, 'cases').flatMap((c) => (isObject(c) && str(c.id) ? [str(c.id)!] : []));
  const paired = isObject(json.paired) ? json.paired : {};
  const pairedKey = Object.keys(paired).find((k) => /octet 1t vs ort-web/i.test(k));
  const agree = isObject(json.outputsAgree) ? json.outputsAgree : {};
  const rows: KernelRow[] = [];
  for (const id of cases) {
    const byEnv = new Map<'node' | 'chromium', KernelRow>();
    for (const [col, byCase] of Object.entries(summary)) {
      const c = parseKernelColumn(col);
      const s = isObject(byCase) && isObject(byCase[id]) ? byCase[id] : undefined;
      const ms = num(s?.msMedian);
      const gops = num(s?.gops);
      if (!c || ms === undefined || gops === undefined) continue;
      let row = byEnv.get(c.env);
      if (!row) byEnv.set(c.env, (row = { case: id, env: c.env, octet: {}, vsOrtWeb: {} }));
      if (c.kind === 'octet') row.octet[c.label] = { ms, gops };
      else if (c.kind === 'ort-web') row.ortWeb = { ms, gops };
      else row.ortNode = { ms, gops };
    }
    for (const row of byEnv.values()) {
      if (row.ortWeb) for (const [label, v] of Object.entries(row.octet)) row.vsOrtWeb[label] = row.ortWeb.ms / v.ms;
      const p = pairedKey && isObject(paired[pairedKey]) ? num(paired[pairedKey][id]) : undefined;
      if (row.env === 'node' && p !== undefined) row.pairedVsOrtWeb = p;
      const a = agree[id];
      if (isObject(a)) {
        const mine = Object.entries(a).filter(([col]) => parseKernelColumn(col)?.env === row.env);
        if (mine.length) row.outputsMatchOrtWeb = mine.every(([, ok]) => ok === true);
      }
      rows.push(row);
    }
  }
  rows.sort((a, b) => (a.env === b.env ? 0 : a.env === 'node' ? -1 : 1));
  const rounds = num(json.rounds);
  return {
    rounds,
    method:
      str(json.method) ??
      `u8×s8→u8 QLinear kernels; each peer in its own process, alternating over ${rounds ?? '?'} round(s); each round the median of the timed samples after warm-up (benchmarks/kernels/README.md); shown: median over rounds (GOPS from that median); "paired": the suite's in-process alternating comparison`,
    rows,
  };
}
