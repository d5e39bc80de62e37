import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A temp path beside `path`, so the final rename stays on one file system. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
}

/** Write chunks to `path` atomically: temp file, fsync, rename. */
export function writeFileAtomic(path: string, chunks: Iterable<Uint8Array>): number {
  const tmp = tempPathFor(path);
  let fd = -1;
  let total = 0;
  try {
    fd = openSync(tmp, 'wx');
    for (const c of chunks) {
      let off = 0;
      while (off < c.length) off += writeSync(fd, c, off, c.length - off);
      total += c.length;
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
    return total;
  } catch (e) {
    if (fd >= 0) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
}
