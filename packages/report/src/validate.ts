import { ReportDataError } from './errors.js';
import type { QuantGrid, ReportData } from './report-data.js';

const isNum = (x: unknown): x is number => typeof x === 'number';

function checkGrid(g: QuantGrid | undefined, path: string) {
  if (!g || typeof g !== 'object') throw new ReportDataError(path, 'missing quantization grid {scale, zeroPoint, qmin, qmax}');
  if (!isNum(g.scale) || !(g.scale > 0) || !Number.isFinite(g.scale))
    throw new ReportDataError(`${path}.scale`, `must be a finite positive number, got ${g.scale}`);
  for (const k of ['zeroPoint', 'qmin', 'qmax'] as const)
    if (!Number.isInteger(g[k])) throw new ReportDataError(`${path}.${k}`, `must be an integer, got ${g[k]}`);
  if (g.qmin > g.qmax) throw new ReportDataError(path, `qmin ${g.qmin} > qmax ${g.qmax}`);
}

function checkArray(a: unknown, path: string): asserts a is ArrayLike<number> {
  if (!a || typeof a !== 'object' || !isNum((a as ArrayLike<number>).length))
    throw new ReportDataError(path, 'must be an array or typed array of numbers');
}

/** Structural checks that would otherwise surface as a broken chart; throws `ReportDataError`. */
export function validateReportData(d: ReportData): void {
  if (!d || typeof d !== 'object') throw new ReportDataError('(root)', 'must be an object');
  if (!d.model || typeof d.model.name !== 'string' || !d.model.name)
    throw new ReportDataError('model.name', 'must be a non-empty string');
  d.layers?.forEach((l, i) => {
    const p = `layers[${i}] (${JSON.stringify(l?.name)})`;
    if (typeof l?.name !== 'string') throw new ReportDataError(`layers[${i}].name`, 'must be a string');
    if (!isNum(l.sqnrDb)) throw new ReportDataError(`${p}.sqnrDb`, 'must be a number');
    if (!isNum(l.cosine)) throw new ReportDataError(`${p}.cosine`, 'must be a number');
  });
  d.weights?.forEach((w, i) => {
    const p = `weights[${i}] (${JSON.stringify(w?.layer)})`;
    checkGrid(w?.grid, `${p}.grid`);
    if (w.values) checkArray(w.values, `${p}.values`);
    else if (w.histogram) {
      checkArray(w.histogram.edges, `${p}.histogram.edges`);
      checkArray(w.histogram.counts, `${p}.histogram.counts`);
      const { edges, counts } = w.histogram;
      if (edges.length !== counts.length + 1)
        throw new ReportDataError(`${p}.histogram`, `needs counts.length + 1 edges, got ${edges.length} edges for ${counts.length} counts`);
      for (let k = 1; k < edges.length; k++)
        if (!(edges[k]! > edges[k - 1]!)) throw new ReportDataError(`${p}.histogram.edges[${k}]`, 'edges must be strictly ascending');
    } else throw new ReportDataError(p, 'needs `values` or `histogram`');
  });
  d.activations?.forEach((a, i) => {
    const p = `activations[${i}] (${JSON.stringify(a?.tensor)})`;
    const observed = a?.observedMin !== undefined || a?.observedMax !== undefined;
    const keys = observed ? (['chosenMin', 'chosenMax', 'observedMin', 'observedMax'] as const) : (['chosenMin', 'chosenMax'] as const);
    for (const k of keys)
      if (!isNum(a?.[k]) || !Number.isFinite(a[k])) throw new ReportDataError(`${p}.${k}`, `must be a finite number, got ${a?.[k]}`);
    if (a.chosenMin > a.chosenMax) throw new ReportDataError(p, `chosenMin ${a.chosenMin} > chosenMax ${a.chosenMax}`);
    if (observed && a.observedMin! > a.observedMax!) throw new ReportDataError(p, `observedMin ${a.observedMin} > observedMax ${a.observedMax}`);
  });
  d.outputs?.forEach((o, i) => {
    const p = `outputs[${i}] (${JSON.stringify(o?.name)})`;
    checkArray(o?.float, `${p}.float`);
    checkArray(o.quantized, `${p}.quantized`);
    if (o.float.length !== o.quantized.length)
      throw new ReportDataError(p, `float has ${o.float.length} values but quantized has ${o.quantized.length}`);
  });
  for (const [k, v] of Object.entries(d.limits ?? {}))
    if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new ReportDataError(`limits.${k}`, `must be a positive integer, got ${v}`);
  if (d.tuning) {
    const t = d.tuning;
    if (!Array.isArray(t.steps) || t.steps.length === 0) throw new ReportDataError('tuning.steps', 'must list at least one step');
    for (const k of ['floatMetric', 'targetDrop'] as const)
      if (!isNum(t[k]) || !Number.isFinite(t[k])) throw new ReportDataError(`tuning.${k}`, `must be a finite number, got ${t[k]}`);
    t.steps.forEach((s, i) => {
      if (!isNum(s.metric) || !Number.isFinite(s.metric)) throw new ReportDataError(`tuning.steps[${i}].metric`, `must be a finite number, got ${s.metric}`);
      if (!Array.isArray(s.keptFloat)) throw new ReportDataError(`tuning.steps[${i}].keptFloat`, 'must be an array of layer names');
    });
  }
}
