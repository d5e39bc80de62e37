// The browser bundle's code splitting: signature verification (@octet/signature with @noble's
// Ed25519 and SHA-512) sits in a chunk of its own that the main file imports only dynamically, so
// a page that never passes a `publicKey` never fetches it. (The Chromium tests check the fetches.)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs build script without types
import { bundle } from '../scripts/bundle.mjs';

interface Split {
  file: string;
  upFront: string[];
  lazy: string[];
  upFrontInputs: string[];
  lazyInputs: string[];
  inputsByChunk: Record<string, string[]>;
}

const isSignatureCode = (input: string) => /(^|\/)packages\/signature\/|node_modules\/@noble\//.test(input);

let dir: string;
let split: Split;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'octet-web-split-'));
  split = await bundle(dir);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('runtime-web bundle', () => {
  it('loads @octet/signature and @noble only through a dynamic import', () => {
    expect(split.upFront).toContain('octet-runtime-web.js');
    expect(split.upFrontInputs.filter(isSignatureCode)).toEqual([]);
    // …but they are bundled: one lazy chunk holds Ed25519, SHA-512 and the canonical digest.
    const chunks = split.lazy.filter((c) => split.inputsByChunk[c]!.some(isSignatureCode));
    expect(chunks).toHaveLength(1);
    const inputs = split.inputsByChunk[chunks[0]!]!;
    expect(inputs.some((i) => i.includes('@noble/ed25519'))).toBe(true);
    expect(inputs.some((i) => i.includes('@noble/hashes'))).toBe(true);
    // The main file's code names the chunk in an import() expression, not an import statement.
    const main = readFileSync(split.file, 'utf8');
    const name = chunks[0]!.split('/').pop()!;
    expect(main).toMatch(new RegExp(`import\\(\\s*["']\\./chunks/${name.replace('.', '\\.')}["']\\s*\\)`));
    expect(main).not.toMatch(new RegExp(`from\\s*["']\\./chunks/${name.replace('.', '\\.')}["']`));
  });
});
