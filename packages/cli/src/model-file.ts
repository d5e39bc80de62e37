// Reading model files with errors that name the file.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Model } from '@octet/onnx';
import { loadModel } from '@octet/onnx/node';
import { CliError } from './errors.js';

export function resolvePath(path: string, cwd = process.cwd()): string {
  return resolve(cwd, path);
}

export function requireFile(path: string, what = 'file'): void {
  if (!existsSync(path)) throw new CliError(`${path}: no such ${what}`);
  if (!statSync(path).isFile()) throw new CliError(`${path}: not a file`);
}

/** Loads a model (external data read lazily); any failure names the file. */
export function openModel(path: string): Model {
  requireFile(path, 'model file');
  try {
    return loadModel(path);
  } catch (e) {
    throw withFile(path, e);
  }
}

/** Prefix an error message with the file it concerns, unless it already names it. */
export function withFile(path: string, e: unknown): CliError {
  const msg = e instanceof Error ? e.message : String(e);
  return new CliError(msg.includes(path) ? msg : `${path}: ${msg}`, { cause: e });
}
