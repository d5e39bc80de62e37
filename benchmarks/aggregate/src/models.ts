// Model suite (benchmarks/models) → rows per case and environment. Peer ids follow the suite's
// convention: `octet-<env>-<n>t`, `ort-web[-<env>]`, `ort-node`; an id containing `chromium` ran
// in Chromium, anything else in Node.
import type { ModelRow, SuiteMethod } from './types.js';
import { arrayField, isObject, num, str, type Json } from './suite-json.js';

export interface PeerId {
  env: 'node' | 'chromium';
  kind: 'octet' | 'ort-web' | 'ort-node';
  threads: string;
}

export function parsePeerId(id: string): PeerId | undefined {
  const env = id.includes('chromium') ? 'chromium' : 'node';
  const threads = /(\d+)t(?:\b|$)/.exec(id)?.[1] ?? '1';
  if (id.includes('ort-web')) return { env, kind: 'ort-web', threads };
  if (id.includes('ort-node')) return { env: 'node', kind: 'ort-node', threads };
  if (id.includes('octet')) return { env, kind: 'octet', threads };
  return undefined;
}

export function modelsSection(json: Json): SuiteMethod & { rows: ModelRow[] } {
  const rounds = num(json.rounds);
  const errors = isObject(json.errors) ? json.errors : {};
  const rows: ModelRow[] = [];
  for (const r of arrayField('models', json, 'rows')) {
    if (!isObject(r) || !isObject(r.ms)) continue;
    const id = str(r.case) ?? str(r.id) ?? '?';
    const byEnv = new Map<'node' | 'chromium', ModelRow>();
    const rowFor = (env: 'node' | 'chromium') => {
      let row = byEnv.get(env);
      if (!row) byEnv.set(env, (row = { case: id, env, octetMs: {}, vsOrtWeb: {} }));
      return row;
    };
    for (const [peer, v] of Object.entries(r.ms)) {
      const p = parsePeerId(peer);
      const ms = num(v);
      if (!p || ms === undefined) continue;
      const row = rowFor(p.env);
      if (p.kind === 'octet') row.octetMs[p.threads] = ms;
      else if (p.kind === 'ort-web') row.ortWebMs = ms;
      else row.ortNodeMs = ms;
    }
    for (const [peer, byCase] of Object.entries(errors)) {
      const p = parsePeerId(peer);
      const e = isObject(byCase) ? str(byCase[id]) : undefined;
      if (p && e) {
        const row = rowFor(p.env);
        row.error = row.error ? `${row.error}; ${peer}: ${e}` : `${peer}: ${e}`;
      }
    }
    for (const row of byEnv.values()) {
      for (const [t, ms] of Object.entries(row.octetMs)) if (row.ortWebMs !== undefined) row.vsOrtWeb[t] = row.ortWebMs / ms;
      rows.push(row);
    }
  }
  rows.sort((a, b) => (a.env === b.env ? 0 : a.env === 'node' ? -1 : 1));
  return {
    rounds,
    method:
      str(json.method) ??
      `end-to-end latency per inference; each peer in its own process (Chromium: its own page), processes alternating over ${rounds ?? '?'} round(s); each round the median of the timed samples after warm-up (benchmarks/models/README.md); shown: median over rounds`,
    rows,
  };
}
