import { closeSync, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { TensorProto } from '../proto.js';
import { OnnxExternalDataError } from '../errors.js';
import { externalDataInfo } from '../external-data.js';
import type { ExternalDataReader } from '../tensor-codec.js';

/**
 * The location is relative and has no '..' (checked when decoded), but a symlink could still
 * lead out of the folder, and a FIFO or device would block or never end: only regular files
 * that really are inside `dir` are read.
 */
function confineToDir(dir: string, path: string, tensor: string, location: string): void {
  let real: string;
  let root: string;
  try {
    real = realpathSync(path);
    root = realpathSync(dir);
  } catch (e) {
    throw new OnnxExternalDataError(`cannot open external data file '${location}': ${(e as Error).message}`, tensor, location);
  }
  if (!real.startsWith(root.endsWith(sep) ? root : root + sep)) {
    throw new OnnxExternalDataError(`external data file '${location}' resolves outside the model's folder (to '${real}')`, tensor, location);
  }
  if (!statSync(real).isFile()) throw new OnnxExternalDataError(`external data '${location}' is not a regular file`, tensor, location);
}

/** Reads external data from files in `dir` (the model's folder), one read per tensor. */
export function externalDataFromDir(dir: string): ExternalDataReader {
  return {
    read(t: TensorProto): Uint8Array {
      const info = externalDataInfo(t);
      const path = join(dir, info.location);
      confineToDir(dir, path, t.name, info.location);
      let fd: number;
      try {
        fd = openSync(path, 'r');
      } catch (e) {
        throw new OnnxExternalDataError(`cannot open external data file '${info.location}': ${(e as Error).message}`, t.name, info.location);
      }
      try {
        const size = fstatSync(fd).size;
        const len = info.length!;
        if (info.offset + len > size) {
          throw new OnnxExternalDataError(`external data range ${info.offset}+${len} runs past the end of '${info.location}' (${size} bytes)`, t.name, info.location);
        }
        const out = new Uint8Array(len);
        let got = 0;
        while (got < len) {
          const n = readSync(fd, out, got, len - got, info.offset + got);
          if (n === 0) throw new OnnxExternalDataError(`external data file '${info.location}' ended early`, t.name, info.location);
          got += n;
        }
        return out;
      } finally {
        closeSync(fd);
      }
    },
  };
}
