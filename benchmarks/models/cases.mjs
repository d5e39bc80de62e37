// The model benchmark's cases: fixture models (fp32 and ORT-quantized variants) at batch 1 and 32,
// fed with the first rows of each fixture's test set (read from ../shared, or test-data), and the
// MiniLM-L6-shaped encoder built in code (minilm.mjs; fp32 and Octet-quantized variants, random ids).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeTensorProto, tensorValues } from '@octet/onnx';
import { MINILM_DIR, MINILM_VARIANTS, minilmFeeds } from './minilm.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const roots = [join(here, '../../../shared/fixtures'), join(here, '../../test-data/fixtures')];
export const FIXTURE_ROOT = roots.find((r) => existsSync(r));

export const MINILM = 'minilm_l6';
export const MODELS = ['mobilenetv2_digits', 'encoder_sentiment', MINILM];
const FIXTURE_VARIANTS = ['fp32', 'ort_qdq', 'ort_qop', 'ort_dynamic'];
export const BATCHES = [1, 32];
export const variantsOf = (model) => (model === MINILM ? ['fp32', ...Object.keys(MINILM_VARIANTS)] : FIXTURE_VARIANTS);

export function modelPath(model, variant) {
  const dir = model === MINILM ? MINILM_DIR : join(FIXTURE_ROOT, model);
  return variant === 'fp32' ? join(dir, 'model.onnx') : join(dir, 'ref', `${variant}.onnx`);
}

/** Feeds for `batch` rows: [{ name, type, dims, data }]. */
export function feeds(model, batch) {
  if (model === MINILM) return minilmFeeds(batch);
  const meta = JSON.parse(readFileSync(join(FIXTURE_ROOT, model, 'ref', 'metrics.json'), 'utf8'));
  return meta.inputs.map((name, i) => {
    const t = decodeTensorProto(new Uint8Array(readFileSync(join(FIXTURE_ROOT, model, 'test', `input_${i}.pb`))));
    const dims = t.dims.map(Number);
    const data = tensorValues(t);
    const row = data.length / dims[0];
    return { name, type: data instanceof BigInt64Array ? 'int64' : 'float32', dims: [batch, ...dims.slice(1)], data: data.slice(0, batch * row) };
  });
}

export const CASES = MODELS.flatMap((model) => variantsOf(model).flatMap((variant) => BATCHES.map((batch) => ({ id: `${model}/${variant}/b${batch}`, model, variant, batch }))));
