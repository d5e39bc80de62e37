// Which suites ran and what they left: a suite that failed, was skipped or wrote nothing is
// reported as such, and a failed suite's older JSON is never shown as if it were this run's.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SuiteStatus } from './types.js';
import { isObject, str, type Json } from './suite-json.js';

/** Suites the table knows, in table order (each writes results/<name>.json). */
export const SUITES = ['models', 'kernels', 'quantizer', 'bundle-size', 'onnx'] as const;
export type SuiteName = (typeof SUITES)[number];

/** What run-all.mjs records for a suite in results/runs.json. */
export interface RunRecord {
  state: 'ok' | 'failed' | 'skipped';
  exitCode?: number | null;
  signal?: string | null;
  seconds?: number;
  /** ISO time the suite was started (its JSON must be newer) */
  startedAt?: string;
  reason?: string;
}

export interface LoadedSuite {
  status: SuiteStatus;
  json?: Json;
}

/**
 * One suite's status from its JSON text (undefined: no file) and, when the suites were just run,
 * its run record (undefined: aggregating existing results only).
 */
export function loadSuite(name: string, text: string | undefined, run?: RunRecord): LoadedSuite {
  const status: SuiteStatus = { name, state: 'ok' };
  if (run?.seconds !== undefined) status.seconds = run.seconds;
  if (run?.state === 'failed') {
    const how = run.signal ? `killed by ${run.signal}` : `exit code ${run.exitCode ?? '?'}`;
    return { status: { ...status, state: 'failed', detail: run.reason ? `${how}: ${run.reason}` : how } };
  }
  if (text === undefined) {
    if (run?.state === 'skipped') return { status: { ...status, state: 'skipped', detail: run.reason ?? 'not run', } };
    return { status: { ...status, state: 'missing', detail: run ? 'ran but wrote no results' : 'no results file' } };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { status: { ...status, state: 'failed', detail: `unreadable results: ${(e as Error).message}` } };
  }
  if (!isObject(json)) return { status: { ...status, state: 'failed', detail: 'results are not a JSON object' } };
  const date = str(json.date);
  if (date) status.date = date;
  if (run?.state === 'ok' && run.startedAt && date && Date.parse(date) < Date.parse(run.startedAt)) {
    return { status: { ...status, state: 'failed', detail: `exited 0 but did not write new results (file dated ${date})` } };
  }
  if (run?.state === 'skipped') return { status: { ...status, state: 'skipped', detail: run.reason ?? 'not run', earlierRun: true }, json };
  return { status, json };
}

export function readSuites(resultsDir: string, runs?: Record<string, RunRecord>): Record<string, LoadedSuite> {
  const out: Record<string, LoadedSuite> = {};
  for (const name of SUITES) {
    const file = join(resultsDir, `${name}.json`);
    out[name] = loadSuite(name, existsSync(file) ? readFileSync(file, 'utf8') : undefined, runs ? (runs[name] ?? { state: 'skipped', reason: 'not run' }) : undefined);
  }
  return out;
}
