// Node-only entry (`@octet/quantizer/node`): files in, files out.
import { realpathSync, existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
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
  const result = await quantize(proto, { ...options, external: options.external ?? ((t) => reader.read(t)) });
  let approx = 0;
  for (const t of result.model.graph!.initializer) approx += t.rawData.length;
  const external = options.externalData ?? (usesExternal || approx > 1.8e9);
  saveModel(result.model, outPath, { externalData: external ? { location: dataName } : false, source: reader });
  return result;
}
