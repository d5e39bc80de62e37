import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { TensorProto } from '../proto.js';
import { OnnxExternalDataError } from '../errors.js';
import { externalDataInfo } from '../external-data.js';
import type { ExternalDataReader } from '../tensor-codec.js';

/** Reads external data from files in `dir` (the model's folder), one read per tensor. */
export function externalDataFromDir(dir: string): ExternalDataReader {
  return {
    read(t: TensorProto): Uint8Array {
      const info = externalDataInfo(t);
      const path = join(dir, info.location);
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
