import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { renderReport } from './render-report.js';
import type { ReportData } from './report-data.js';

/**
 * Render and write the report atomically: a temp file in the same folder, then rename, so a
 * reader never sees half a report and a failed render leaves any previous file untouched.
 */
export async function writeReport(path: string, data: ReportData): Promise<void> {
  const htmlText = await renderReport(data);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, htmlText, { encoding: 'utf8', flag: 'wx' });
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}

export * from './index.js';
