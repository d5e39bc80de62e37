// All suites' results → latest.json's content. A suite whose JSON an adapter cannot read is
// marked failed with the adapter's message; the others still make the table.
import type { Latest, Machine, Versions } from './types.js';
import type { LoadedSuite } from './suites.js';
import { SUITES } from './suites.js';
import { isObject, num, str, type Json } from './suite-json.js';
import { modelsSection } from './models.js';
import { kernelsSection } from './kernels.js';
import { quantizerSection } from './quantizer.js';
import { bundleSizeSection } from './bundle-size.js';
import { onnxCodecSection } from './onnx-codec.js';

export interface RunContext {
  date: string;
  quick: boolean;
  machine: Machine;
  versions: Versions;
}

const SECTIONS = {
  models: (j: Json) => ({ models: modelsSection(j) }),
  kernels: (j: Json) => ({ kernels: kernelsSection(j) }),
  quantizer: (j: Json) => ({ quantizer: quantizerSection(j) }),
  'bundle-size': (j: Json) => ({ bundleSize: bundleSizeSection(j) }),
  onnx: (j: Json) => ({ onnx: onnxCodecSection(j) }),
} satisfies Record<(typeof SUITES)[number], (j: Json) => Partial<Latest>>;

export function buildLatest(suites: Record<string, LoadedSuite>, ctx: RunContext): Latest {
  const latest: Latest = { date: ctx.date, quick: ctx.quick, machine: { ...ctx.machine }, versions: { ...ctx.versions }, suites: [] };
  for (const name of SUITES) {
    const s = suites[name] ?? { status: { name, state: 'missing', detail: 'no results file' } };
    const status = { ...s.status };
    if (s.json) {
      try {
        Object.assign(latest, SECTIONS[name](s.json));
      } catch (e) {
        status.state = 'failed';
        status.detail = (e as Error).message;
      }
    }
    latest.suites.push(status);
  }
  // Facts the suites measured about the machine and browser.
  const kernels = suites.kernels?.json;
  const ghz = num(kernels?.ghz);
  if (ghz !== undefined) latest.machine.measuredGhz = Math.round(ghz * 100) / 100;
  const loads = suites.models?.json?.loadAverageDuringRun;
  if (Array.isArray(loads) && loads.some((l) => num(l) !== undefined)) {
    const ls = loads.flatMap((l) => (num(l) === undefined ? [] : [num(l)!]));
    latest.machine.loadAverage = { min: Math.min(...ls), max: Math.max(...ls) };
  }
  const models = suites.models?.json;
  const chromium =
    (isObject(kernels?.chromium) ? str(kernels.chromium.browser) : undefined) ??
    str(suites['bundle-size']?.json?.chromium) ??
    str(models?.browser) ??
    (isObject(models?.chromium) ? str(models.chromium.browser) : undefined);
  if (chromium && !latest.versions.chromium) latest.versions.chromium = chromium;
  const esbuild = str(suites['bundle-size']?.json?.esbuild);
  if (esbuild && !latest.versions.esbuild) latest.versions.esbuild = esbuild;
  return latest;
}
