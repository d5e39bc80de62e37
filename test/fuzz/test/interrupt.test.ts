// `octet quantize` never modifies its input and leaves nothing partial behind: not when it is
// interrupted (SIGINT) part-way, not when it fails. Spawns the real command.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeModelProto } from '@octet/onnx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli } from '../src/cli-bundle.js';

const fixture = fileURLToPath(new URL('../../../test-data/fixtures/cnn_digits/', import.meta.url));
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

let cli: { dir: string; bin: string };
let work: string;
beforeAll(async () => {
  cli = await bundleCli();
  work = mkdtempSync(join(tmpdir(), 'octet-sigint-'));
});
afterAll(() => {
  rmSync(cli.dir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

/** Runs `octet quantize` in a fresh folder; sends SIGINT after `afterMs` (if given). */
function quantize(dir: string, model: string, afterMs?: number): Promise<{ code: number | null; signal: string | null; ms: number; stderr: string }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [cli.bin, 'quantize', model, '-o', join(dir, 'out.onnx'), '--calib', join(fixture, 'calib'), '--method', 'entropy'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const timer = afterMs === undefined ? undefined : setTimeout(() => child.kill('SIGINT'), afterMs);
  return new Promise((resolve) => child.on('exit', (code, signal) => {
    clearTimeout(timer);
    resolve({ code, signal, ms: performance.now() - t0, stderr });
  }));
}

function setup(name: string) {
  const dir = mkdtempSync(join(work, `${name}-`));
  const model = join(dir, 'model.onnx');
  copyFileSync(join(fixture, 'model.onnx'), model);
  return { dir, model, hash: sha(model) };
}

describe('octet quantize under SIGINT and failure', () => {
  let fullMs = 0;

  it('completes normally: the output decodes, the input is unchanged, no temp files', async () => {
    const c = setup('full');
    const r = await quantize(c.dir, c.model);
    expect(r.code, r.stderr).toBe(0);
    fullMs = r.ms;
    expect(sha(c.model)).toBe(c.hash);
    expect(readdirSync(c.dir).sort()).toEqual(['model.onnx', 'out.onnx']);
    expect(decodeModelProto(new Uint8Array(readFileSync(join(c.dir, 'out.onnx')))).graph!.node.length).toBeGreaterThan(0);
  });

  it('interrupted part-way (SIGINT at 35, 50, 65 and 80 % of a full run): no output, no temp files, input unchanged', async () => {
    const codes: (number | string | null)[] = [];
    for (const f of [0.35, 0.5, 0.65, 0.8]) {
      const c = setup(`int${f}`);
      const r = await quantize(c.dir, c.model, Math.round(fullMs * f));
      codes.push(r.code ?? r.signal);
      expect(sha(c.model)).toBe(c.hash);
      const left = readdirSync(c.dir).sort();
      if (r.code === 130 || r.signal === 'SIGINT') {
        // 130: the bin's handler ran; killed by the signal: it came before the handler was installed.
        if (r.code === 130) expect(r.stderr).toMatch(/interrupted/);
        expect(left).toEqual(['model.onnx']);
      } else {
        // Finished before the signal landed: then the output must be whole.
        expect(r.code, r.stderr).toBe(0);
        expect(left).toEqual(['model.onnx', 'out.onnx']);
        decodeModelProto(new Uint8Array(readFileSync(join(c.dir, 'out.onnx'))));
      }
    }
    console.log(`full run ${Math.round(fullMs)} ms; exits at 35/50/65/80 %: ${codes.join(', ')}`);
    expect(codes).toContain(130); // at least one run really was interrupted mid-way
  });

  it('a failing run (corrupt model) exits 1 and leaves nothing behind', async () => {
    const c = setup('corrupt');
    const bytes = readFileSync(c.model);
    writeFileSync(c.model, bytes.subarray(0, bytes.length - 1000));
    const hash = sha(c.model);
    const r = await quantize(c.dir, c.model);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(sha(c.model)).toBe(hash);
    expect(readdirSync(c.dir)).toEqual(['model.onnx']);
  });
});
