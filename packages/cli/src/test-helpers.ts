// Shared by the CLI tests: fixture paths, running `main` with captured output, temp folders.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bufferIo } from './io.js';
import { main } from './main.js';

export const FIXTURES = fileURLToPath(new URL('../../../test-data/fixtures/', import.meta.url));

export function fixture(name: string, ...rest: string[]): string {
  return join(FIXTURES, name, ...rest);
}

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function octet(...argv: string[]): Promise<CliResult> {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.out, err: io.err };
}

export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'octet-cli-test-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
