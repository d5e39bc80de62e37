// Paths and file: URLs given as `data` in the `externalData` option, read as onnxruntime-node
// reads them (relative to the working directory). The application names these files, not the
// model, so they are not confined to the model's folder.
import { readFile } from 'node:fs/promises';
import { ExternalDataLoadError } from '@octet/runtime';

export async function readExternalFile(pathOrUrl: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(pathOrUrl.startsWith('file:') ? new URL(pathOrUrl) : pathOrUrl));
  } catch (e) {
    throw new ExternalDataLoadError(pathOrUrl, (e as Error).message, { cause: e });
  }
}
