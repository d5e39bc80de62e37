// The machine and versions the run used (read here, passed into the pure table code).
import { existsSync, readFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import type { Machine, Versions } from './types.js';

function reportedMhz(): number | undefined {
  try {
    const m = /^cpu MHz\s*:\s*([\d.]+)/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return Math.round(Number(m[1]));
  } catch {
    // not Linux
  }
  const s = cpus()[0]?.speed;
  return s ? s : undefined;
}

export function currentMachine(): Machine {
  const c = cpus();
  const mhz = reportedMhz();
  return {
    cpu: c[0]?.model.trim() ?? 'unknown CPU',
    cores: c.length,
    ...(mhz ? { reportedMhz: mhz } : {}),
    os: `${type()} ${release()}`,
    memoryGB: Math.round(totalmem() / 2 ** 30),
  };
}

export function installedVersions(repoRoot: string): Versions {
  const v: Versions = { node: process.version };
  for (const name of ['onnxruntime-web', 'onnxruntime-node', 'onnxruntime-common'] as const) {
    const file = join(repoRoot, 'node_modules', name, 'package.json');
    if (existsSync(file)) v[name] = (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return v;
}
