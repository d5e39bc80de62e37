// Node-only entry (`@octet/quantizer/node`): files in, files out.
import { closeSync, openSync, readSync, realpathSync, existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { externalDataInfo } from '@octet/onnx';
import type { TensorProto } from 'onnx-buf';
import { externalDataFromDir, loadModelProto, saveModel } from '@octet/onnx/node';
import { QuantizerError } from './errors.js';
import { quantize, type QuantizeResult } from './quantize.js';
import type { QuantizeOptions } from './options.js';

export { readDataDir, readLabels, readTensorFile } from './data-dir.js';

export interface QuantizeFileOptions extends QuantizeOptions {
  /**
   * Write large tensors to `<out>.data` next to the output. Default: when the input used external
   * data, or when the output would be close to protobuf's 2 GiB limit.
   */
  externalData?: boolean;
}

function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  try {
    return existsSync(b) && realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/**
 * Quantize `inPath` into `outPath`. Never overwrites the input (nor its external data file);
 * the output (and its `.data` file) appear atomically or not at all.
 */
export async function quantizeFile(inPath: string, outPath: string, options: QuantizeFileOptions = {}): Promise<QuantizeResult> {
  if (!existsSync(inPath)) throw new QuantizerError(`input model '${inPath}' does not exist`);
  if (sameFile(inPath, outPath)) throw new QuantizerError(`refusing to overwrite the input model '${inPath}'; choose another output path`);
  const proto = loadModelProto(inPath);
  const reader = externalDataFromDir(dirname(resolve(inPath)));
  const usesExternal = proto.graph?.initializer.some((t) => t.dataLocation === 1) ?? false;
  const dataName = `${basename(outPath)}.data`;
  if (usesExternal) {
    const locations = new Set(proto.graph!.initializer.flatMap((t) => t.externalData.filter((e) => e.key === 'location').map((e) => e.value)));
    for (const loc of locations) {
      if (sameFile(resolve(dirname(inPath), loc), resolve(dirname(outPath), dataName))) {
        throw new QuantizerError(`the output's data file '${dataName}' would overwrite the input's external data '${loc}'`);
      }
    }
  }
  const result = await quantize(proto, {
    ...options,
    external: options.external ?? ((t) => reader.read(t)),
    streamingExternal: options.streamingExternal ?? (usesExternal ? scratchReader(dirname(resolve(inPath))) : undefined),
  });
  let approx = 0;
  for (const t of result.model.graph!.initializer) approx += t.rawData.length;
  const external = options.externalData ?? (usesExternal || approx > 1.8e9);
  saveModel(result.model, outPath, { externalData: external ? { location: dataName } : false, source: reader });
  return result;
}

/**
 * External-data reader with one reusable buffer (grown to the largest tensor): the bytes it returns
 * are valid until the next call. Files must be regular files inside the model's folder.
 */
function scratchReader(dir: string): (t: TensorProto) => Uint8Array {
  let buf = new Uint8Array(0);
  const root = realpathSync(dir);
  return (t) => {
    const info = externalDataInfo(t);
    const path = join(dir, info.location);
    const real = realpathSync(path);
    if (!real.startsWith(root.endsWith(sep) ? root : root + sep) || !statSync(real).isFile()) {
      throw new QuantizerError(`external data '${info.location}' of tensor '${t.name}' is not a regular file inside the model's folder`);
    }
    const length = info.length ?? 0;
    if (buf.length < length) buf = new Uint8Array(length);
    const fd = openSync(real, 'r');
    try {
      let done = 0;
      while (done < length) {
        const n = readSync(fd, buf, done, length - done, info.offset + done);
        if (n <= 0) throw new QuantizerError(`external data '${info.location}' ends before tensor '${t.name}' (${done} of ${length} bytes)`);
        done += n;
      }
    } finally {
      closeSync(fd);
    }
    return buf.subarray(0, length);
  };
}
