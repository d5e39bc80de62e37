// Opens models on Octet's runtime for run/eval/bench.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { forEachModelTensor, inlineExternalData, isExternal, parseModel, serializeModel, type Model } from '@octet/onnx';
import { externalDataFromDir } from '@octet/onnx/node';
import type { Session } from '@octet/runtime';
import { createNodeSession } from '@octet/runtime-node';
import { CliError } from './errors.js';
import { requireFile } from './model-file.js';
import type { DataTensor } from './data-folder.js';

export interface EngineOptions {
  /** threads for the WASM kernels (default 1) */
  threads?: number;
  /** the model's bytes when they are not (yet) in the file; `path` then only names it in messages */
  bytes?: Uint8Array;
}

export type { Session };

/** Creates a session on Octet's runtime; failures (unsupported ops, bad model) name the file. */
export async function openSession(path: string, options: EngineOptions = {}): Promise<Session> {
  if (!options.bytes) requireFile(path, 'model file');
  try {
    return await createNodeSession(options.bytes ?? modelBytesForRuntime(path), { numThreads: options.threads ?? 1 });
  } catch (e) {
    const msg = (e as Error).message;
    throw new CliError(msg.includes(path) ? msg : `${path}: ${msg}`, { cause: e });
  }
}

/**
 * The model's bytes, with tensors from external data inlined: the runtime takes one buffer.
 * (Models over protobuf's 2 GiB cannot be inlined; they wait for @octet/runtime-node's path loading.)
 */
function modelBytesForRuntime(path: string): Uint8Array {
  const b = readFileSync(path);
  const bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  const model = parseModel(bytes, { externalData: externalDataFromDir(dirname(path)) });
  if (!hasExternalData(model)) return bytes;
  inlineExternalData(model);
  return serializeModel(model);
}

export function hasExternalData(model: Model): boolean {
  let found = false;
  forEachModelTensor(model.toProto(), (t) => {
    found ||= isExternal(t);
  });
  return found;
}

/** Runs one batch; an op failure names the model file. */
export async function runBatch(session: Session, path: string, feeds: Record<string, DataTensor>): Promise<Record<string, DataTensor>> {
  try {
    const out = await session.run(feeds as never);
    const res: Record<string, DataTensor> = {};
    for (const [k, t] of Object.entries(out)) res[k] = { type: t.type, dims: [...t.dims], data: t.data as DataTensor['data'] };
    return res;
  } catch (e) {
    const msg = (e as Error).message;
    throw new CliError(msg.includes(path) ? msg : `${path}: ${msg}`, { cause: e });
  }
}
