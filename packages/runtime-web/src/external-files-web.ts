// URLs given as `data` in the `externalData` option, fetched as onnxruntime-web fetches them
// (relative to the page or worker, not to the model).
import { OnnxExternalDataError } from '@octet/onnx';

export async function fetchExternalFile(url: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new OnnxExternalDataError(`cannot fetch externalData file '${url}': ${(e as Error).message}`, undefined, url);
  }
  if (!res.ok) throw new OnnxExternalDataError(`cannot fetch externalData file '${url}': HTTP ${res.status}`, undefined, url);
  return new Uint8Array(await res.arrayBuffer());
}
