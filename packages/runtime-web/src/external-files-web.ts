// URLs given as `data` in the `externalData` option, fetched as onnxruntime-web fetches them
// (relative to the page or worker, not to the model).
import { ExternalDataLoadError } from '@octet/runtime';

export async function fetchExternalFile(url: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new ExternalDataLoadError(url, (e as Error).message, { cause: e });
  }
  if (!res.ok) throw new ExternalDataLoadError(url, `HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}
