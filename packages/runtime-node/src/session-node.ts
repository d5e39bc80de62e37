import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { externalDataFromDir } from '@octet/onnx/node';
import { createSession, type Session, type SessionOptions } from '@octet/runtime';
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
  return createSession(model, { ...options, kernels });
}

/** Reads an .onnx file (and its external data files, from the same folder) and creates a session. */
export async function createSessionFromPath(path: string, options: NodeSessionOptions = {}): Promise<Session> {
  return createNodeSession(new Uint8Array(await readFile(path)), { externalData: externalDataFromDir(dirname(path)), ...options });
}
