// Runs the peer bench script (peer/bench-peer.mjs) in a child process with the same inputs.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataTensor } from './data-folder.js';
import { CliError } from './errors.js';

export const PEERS = ['onnxruntime-web', 'onnxruntime-node'] as const;
export type Peer = (typeof PEERS)[number];

// Same relative place from src/ (tests) and dist/ (the built bin).
const SCRIPT = fileURLToPath(new URL('../peer/bench-peer.mjs', import.meta.url));
const TIMEOUT_MS = 10 * 60_000;

export interface PeerJob {
  peer: Peer;
  model: string;
  feeds: Record<string, DataTensor>;
  runs: number;
  warmup: number;
  threads?: number;
}

export async function benchPeer(job: PeerJob): Promise<{ version: string; times: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'octet-bench-'));
  try {
    const feeds = Object.entries(job.feeds).map(([name, t], i) => {
      const file = join(dir, `feed_${i}.bin`);
      const view = t.data as unknown as ArrayBufferView;
      if (!ArrayBuffer.isView(view)) throw new CliError(`input '${name}': ${t.type} data cannot be passed to ${job.peer}`);
      writeFileSync(file, new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
      return { name, type: t.type, dims: t.dims, file };
    });
    const jobFile = join(dir, 'job.json');
    writeFileSync(jobFile, JSON.stringify({ ...job, feeds }));
    const { code, stdout, stderr } = await runChild(process.execPath, [SCRIPT, jobFile]);
    if (code !== 0) throw new CliError(stderr.trim().split('\n').pop() || `${job.peer} bench exited with code ${code}`);
    const last = stdout.trim().split('\n').pop() ?? '';
    try {
      return JSON.parse(last);
    } catch {
      throw new CliError(`${job.peer} bench printed no result`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runChild(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new CliError(`peer bench did not finish within ${TIMEOUT_MS / 60_000} minutes`));
    }, TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
