import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeReport } from './node.js';

describe('writeReport', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'octet-report-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the page and leaves no temp file behind', async () => {
    const path = join(dir, 'report.html');
    await writeFile(path, 'old');
    await writeReport(path, { model: { name: 'm' }, warnings: ['w1'] });
    const text = await readFile(path, 'utf8');
    expect(text.startsWith('<!doctype html>')).toBe(true);
    expect(text).toContain('<li>w1</li>');
    expect(await readdir(dir)).toEqual(['report.html']);
  });

  it('leaves an existing file untouched when the data is bad', async () => {
    const path = join(dir, 'report.html');
    await writeFile(path, 'previous report');
    await expect(writeReport(path, { model: { name: 'm' }, outputs: [{ name: 'y', float: [1], quantized: [] }] })).rejects.toThrow(/outputs\[0\]/);
    expect(await readFile(path, 'utf8')).toBe('previous report');
    expect(await readdir(dir)).toEqual(['report.html']);
  });

  it('fails clearly when the folder does not exist', async () => {
    await expect(writeReport(join(dir, 'missing', 'r.html'), { model: { name: 'm' } })).rejects.toThrow(/ENOENT/);
  });
});
