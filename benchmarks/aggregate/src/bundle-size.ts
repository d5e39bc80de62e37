// Bundle-size suite (benchmarks/bundle-size) → bytes per app, and each app's gzip total relative
// to onnxruntime-web's smallest CPU entry (`onnxruntime-web/wasm`).
import type { BundleRow, Sizes, SuiteMethod } from './types.js';
import { SuiteFormatError, arrayField, isObject, num, str, type Json } from './suite-json.js';

export const REFERENCE_APP = 'ort-web-wasm';

function sizes(v: unknown, field: string): Sizes {
  const raw = isObject(v) ? num(v.raw) : undefined;
  const gzip = isObject(v) ? num(v.gzip) : undefined;
  const brotli = isObject(v) ? num(v.brotli) : undefined;
  if (raw === undefined || gzip === undefined || brotli === undefined) throw new SuiteFormatError('bundle-size', field, 'needs raw, gzip and brotli byte counts');
  return { raw, gzip, brotli };
}

export function bundleSizeSection(json: Json): SuiteMethod & { measuredIn: string; model?: string; rows: BundleRow[] } {
  const rows = arrayField('bundle-size', json, 'apps').map((a, i): BundleRow => {
    if (!isObject(a) || !str(a.id)) throw new SuiteFormatError('bundle-size', `apps[${i}].id`, 'is missing');
    const files = Array.isArray(a.files) ? a.files.flatMap((f) => (isObject(f) && str(f.path) ? [str(f.path)!] : [])) : [];
    const row: BundleRow = { id: str(a.id)!, label: str(a.label) ?? str(a.id)!, js: sizes(a.js, `apps[${i}].js`), wasm: sizes(a.wasm, `apps[${i}].wasm`), total: sizes(a.total, `apps[${i}].total`), files };
    if (isObject(a.jsByPackage)) {
      const parts = Object.entries(a.jsByPackage).flatMap(([k, v]) => (num(v) === undefined ? [] : [[k, num(v)!] as const]));
      row.jsByPackage = Object.fromEntries(parts.sort((x, y) => y[1] - x[1]));
    }
    return row;
  });
  const ref = rows.find((r) => r.id === REFERENCE_APP);
  if (ref) for (const r of rows) r.gzipVsOrtWeb = r.total.gzip / ref.total.gzip;
  const measuredIn = str(json.measuredIn) ?? 'unknown';
  return {
    method: str(json.method) ?? 'esbuild bundle + the files the page fetched; gzip -9 and brotli -11 per file',
    measuredIn: measuredIn === 'chromium' ? 'files fetched by Chromium while creating a session and running once' : `files each runtime is documented to fetch (not verified in a browser${str(json.fallbackReason) ? `: ${str(json.fallbackReason)}` : ''})`,
    model: str(json.model),
    rows,
  };
}
