import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { externalDataFromDir } from '@octet/onnx/node';
import { createSession, loadExternalData, type Session, type SessionOptions } from '@octet/runtime';
import { readExternalFile } from './external-files-node.js';
import { loadNodeKernels } from './kernels-node.js';

export interface NodeSessionOptions extends Omit<SessionOptions, 'kernels'> {
  /** Threads for the kernels (default 1). */
  numThreads?: number;
  /** False: TypeScript paths only (no WASM). Default true. */
  wasm?: boolean;
}

/** A session from model bytes with the WASM kernels loaded for this process. */
export async function createNodeSession(model: Uint8Array, options: NodeSessionOptions = {}): Promise<Session> {
  const kernels = options.wasm === false ? undefined : await loadNodeKernels(options.numThreads ?? 1);
  return createSession(model, { ...options, kernels, externalData: await loadExternalData(options.externalData, readExternalFile) });
}

/** Reads an .onnx file (and its external data files: those in `options.externalData`, else from the same folder) and creates a session. */
export async function createSessionFromPath(path: string, options: NodeSessionOptions = {}): Promise<Session> {
  const externalData = await loadExternalData(options.externalData, readExternalFile, externalDataFromDir(dirname(path)));
  return createNodeSession(new Uint8Array(await readFile(path)), { ...options, externalData });
}
