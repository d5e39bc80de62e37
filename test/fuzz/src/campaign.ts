// One seeded fuzz campaign: N mutated cases of the seeds through one target in the worker pool.
// Failing inputs are written to test-data/fuzz-regressions/<target>/ (to be committed) and
// replayed by every later run (regressions.ts).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Seed } from './corpus.js';
import { mutate, type MutatorName } from './mutators.js';
import type { CaseResult, FuzzPool } from './pool.js';
import { Rng } from './rng.js';
import type { TargetName } from './targets.js';

export const REGRESSIONS = fileURLToPath(new URL('../../../test-data/fuzz-regressions/', import.meta.url));

export interface Failure {
  target: TargetName;
  file: string;
  seed: string;
  ops: MutatorName[];
  result: CaseResult;
  rejected?: string;
}

export interface CampaignStats {
  cases: number;
  outcomes: Record<string, number>;
  failures: Failure[];
  /** Worker heap (bytes, after gc) at the first and last sample. */
  heapFirst?: number;
  heapLast?: number;
  arrayBuffersMax: number;
}

export function isFailure(r: CaseResult): boolean {
  return r.status === 'crash' || r.status === 'hang' || r.status === 'worker-died';
}

/**
 * For runtime campaigns: a typed outcome that is still a bug — an op threw a plain JS error that
 * only the planner's NodeExecutionError made typed, or a bad dim got past the op's own shape
 * checks to the limits wrapper's last line (`has invalid dims`).
 */
export function untypedInside(r: CaseResult): string | undefined {
  if (r.status !== 'typed') return undefined;
  if (/\/(Error|RangeError|TypeError|ReferenceError)$/.test(r.error)) return 'an op threw an untyped error (wrapped by the planner)';
  if (/has invalid dims/.test(r.message)) return 'invalid dims reached the limits backstop';
  return undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function saveRegression(target: TargetName, bytes: Uint8Array, info: object): string {
  const dir = `${REGRESSIONS}${target}`;
  mkdirSync(dir, { recursive: true });
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const file = `${dir}/${hash}.bin`;
  writeFileSync(file, bytes);
  writeFileSync(`${dir}/${hash}.json`, JSON.stringify(info, null, 2) + '\n');
  return file;
}

export async function runCampaign(opts: {
  pool: FuzzPool;
  target: TargetName;
  seeds: readonly Seed[];
  cases: number;
  seed: number;
  mutators: readonly MutatorName[];
  /** gc + heap sample every this many cases. */
  sampleEvery?: number;
  /** Why an outcome that is not a crash still counts as a failure (e.g. refused by a backstop, not by the check meant for it). */
  reject?: (r: CaseResult) => string | undefined;
}): Promise<CampaignStats> {
  const corpus = opts.seeds.map((s) => s.bytes);
  const stats: CampaignStats = { cases: 0, outcomes: {}, failures: [], arrayBuffersMax: 0 };
  const every = opts.sampleEvery ?? 200;
  const makeCase = (campaignSeed: number, i: number) => {
    const rng = new Rng((campaignSeed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
    const seed = rng.pick(opts.seeds);
    return { seed, ...mutate(rng, seed.bytes, corpus, opts.mutators) };
  };
  // A case that takes the whole process down (a worker's out-of-memory can be fatal to the
  // process, not only to the worker) leaves its breadcrumb; the next run saves it as a regression.
  // Breadcrumbs carry the pid, so campaigns running side by side leave each other's alone.
  const prefix = `octet-fuzz-inflight-${opts.target}-${opts.mutators.join('+')}-`;
  const crumb = join(tmpdir(), `${prefix}${process.pid}.json`);
  for (const f of readdirSync(tmpdir()).filter((f) => f.startsWith(prefix) && !alive(Number(f.slice(prefix.length, -5))))) {
    const died = JSON.parse(readFileSync(join(tmpdir(), f), 'utf8')) as { campaignSeed: number; case: number };
    const c = makeCase(died.campaignSeed, died.case);
    const result: CaseResult = { status: 'worker-died', message: 'the test process died while this case ran (fatal out-of-memory?)' };
    const file = saveRegression(opts.target, c.bytes, { target: opts.target, seed: c.seed.name, campaignSeed: died.campaignSeed, case: died.case, ops: c.ops, result });
    stats.failures.push({ target: opts.target, file, seed: c.seed.name, ops: c.ops, result });
    rmSync(join(tmpdir(), f), { force: true });
  }
  for (let i = 0; i < opts.cases; i++) {
    const { seed, bytes, ops } = makeCase(opts.seed, i);
    const sample = i > 0 && (i % every === 0 || i === opts.cases - 1);
    writeFileSync(crumb, JSON.stringify({ campaignSeed: opts.seed, case: i }));
    const r = await opts.pool.run(opts.target, bytes, sample);
    stats.cases++;
    const key = r.status === 'ok' ? `ok${r.detail ? `:${r.detail}` : ''}` : r.status === 'typed' ? r.error : r.status;
    stats.outcomes[key] = (stats.outcomes[key] ?? 0) + 1;
    if (r.arrayBuffers !== undefined) stats.arrayBuffersMax = Math.max(stats.arrayBuffersMax, r.arrayBuffers);
    if (sample && r.heapUsed !== undefined) {
      stats.heapFirst ??= r.heapUsed;
      stats.heapLast = r.heapUsed;
    }
    const rejected = isFailure(r) ? undefined : opts.reject?.(r);
    if (isFailure(r) || rejected) {
      const info = { target: opts.target, seed: seed.name, campaignSeed: opts.seed, case: i, ops, result: r, ...(rejected ? { rejected } : {}) };
      const file = saveRegression(opts.target, bytes, info);
      stats.failures.push({ target: opts.target, file, seed: seed.name, ops, result: r, rejected });
    }
  }
  rmSync(crumb, { force: true });
  return stats;
}

export function describeFailure(f: Failure): string {
  const r = f.result;
  const what =
    r.status === 'crash' ? `${r.error}: ${r.message}\n${r.stack ?? ''}` : r.status === 'hang' ? `no answer after ${r.ms} ms` : r.status === 'worker-died' ? r.message : r.status === 'typed' ? `${f.rejected}: ${r.error}: ${r.message}` : '';
  return `${f.target} ${f.file} (seed ${f.seed}, ${f.ops.join('+')}): ${r.status} ${what}`;
}
