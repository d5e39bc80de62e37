import { activationRows, activationRangesSpec } from './charts/activation-ranges.js';
import { layerErrorRows, layerErrorSpec } from './charts/layer-error.js';
import { outputScatterSpec, scatterData } from './charts/output-scatter.js';
import { meetsTarget, tuningSpec, tuningTarget } from './charts/tuning-steps.js';
import { weightHistogramData, weightHistogramSpec } from './charts/weight-histogram.js';
import { formatBytes, formatMetric, formatMetricDelta, formatMs, formatNumber } from './format.js';
import { html, raw, type HtmlValue, type SafeHtml } from './html.js';
import { rankLayers } from './rank-layers.js';
import type { Comparison, OptionValue, ReportData, ReportLimits, WeightDistribution } from './report-data.js';
import type { TopLevelSpec } from 'vega-lite';

export type ChartRenderer = (spec: TopLevelSpec, kind: string) => Promise<SafeHtml>;

export interface Section {
  id: string;
  label: string;
  body: SafeHtml;
}

export const DEFAULT_LIMITS: Required<ReportLimits> = {
  maxLayers: 30,
  maxWeightHistograms: 4,
  histogramBins: 60,
  maxActivations: 40,
  maxScatterPoints: 2000,
};

const section = (id: string, label: string, lead: HtmlValue, content: HtmlValue): Section => ({
  id,
  label,
  body: html`<section id="${id}"><h2>${label}</h2>${lead ? html`<p class="lead">${lead}</p>` : ''}${content}</section>`,
});

function ratio(c: Comparison, kind: 'size' | 'latency'): { text: string; cls: string } {
  if (!(c.float > 0) || !(c.quantized > 0)) return { text: '—', cls: '' };
  const r = c.float / c.quantized;
  if (kind === 'size') return r >= 1 ? { text: `${r.toFixed(2)}× smaller`, cls: 'better' } : { text: `${(1 / r).toFixed(2)}× larger`, cls: 'worse' };
  return r >= 1 ? { text: `${r.toFixed(2)}× faster`, cls: 'better' } : { text: `${(1 / r).toFixed(2)}× slower`, cls: 'worse' };
}

export function summarySection(d: ReportData): Section | undefined {
  const s = d.summary;
  if (!s || (!s.metrics?.length && !s.sizeBytes && !s.latencyMs)) return undefined;
  const hasRef = [...(s.metrics ?? []), s.sizeBytes, s.latencyMs].some((c) => c?.reference !== undefined);
  const refLabel = s.referenceLabel ?? 'Reference';
  const rows: SafeHtml[] = [];
  const cards: SafeHtml[] = [];
  const card = (k: string, v: string, detail: HtmlValue) =>
    cards.push(html`<div class="card"><div class="k">${k}</div><div class="v">${v}</div><div class="d">${detail}</div></div>`);
  const row = (what: HtmlValue, c: Comparison, fmt: (x: number) => string, change: { text: string; cls: string }) =>
    rows.push(html`<tr><td>${what}</td><td class="num float">${fmt(c.float)}</td><td class="num quant">${fmt(c.quantized)}</td>${
      hasRef ? html`<td class="num ref">${c.reference === undefined ? '—' : fmt(c.reference)}</td>` : ''
    }<td class="num ${change.cls}">${change.text}</td></tr>`);
  for (const m of s.metrics ?? []) {
    const delta = m.quantized - m.float;
    const worse = m.higherIsBetter ? delta < 0 : delta > 0;
    const change = { text: formatMetricDelta(delta, m.isFraction), cls: delta === 0 ? '' : worse ? 'worse' : 'better' };
    row(html`${m.name}${m.samples !== undefined ? html` <span class="tag">${m.samples} samples</span>` : ''}`, m, (x) => formatMetric(x, m.isFraction), change);
    card(m.name, formatMetric(m.quantized, m.isFraction), html`<span class="${change.cls}">${change.text}</span> vs float ${formatMetric(m.float, m.isFraction)}`);
  }
  if (s.sizeBytes) {
    const change = ratio(s.sizeBytes, 'size');
    row('model size', s.sizeBytes, formatBytes, change);
    card('model size', formatBytes(s.sizeBytes.quantized), `${change.text} than float ${formatBytes(s.sizeBytes.float)}`);
  }
  if (s.latencyMs) {
    const l = s.latencyMs;
    const change = ratio(l, 'latency');
    const info = [l.runtime, l.batchSize !== undefined ? `batch ${l.batchSize}` : '', l.runs !== undefined ? `median of ${l.runs}` : '']
      .filter(Boolean)
      .join(', ');
    row(html`latency${info ? html` <span class="tag">${info}</span>` : ''}`, l, formatMs, change);
    card('latency', formatMs(l.quantized), `${change.text} than float ${formatMs(l.float)}`);
  }
  const table = html`<table class="summary"><thead><tr><th></th><th class="num float">Float</th><th class="num quant">Quantized</th>${
    hasRef ? html`<th class="num ref">${refLabel}</th>` : ''
  }<th class="num">Quantized vs float</th></tr></thead><tbody>${rows}</tbody></table>`;
  return section('summary', 'Summary', '', html`<div class="cards">${cards}</div>${table}`);
}

export async function layersSection(d: ReportData, lim: Required<ReportLimits>, chart: ChartRenderer): Promise<Section | undefined> {
  if (!d.layers?.length) return undefined;
  const rows = layerErrorRows(d.layers, lim.maxLayers);
  const svg = await chart(layerErrorSpec(rows, d.layers.length), 'layer-error');
  const all = rankLayers(d.layers);
  const table = html`<details><summary>All ${all.length} layers as a table</summary><table><thead><tr><th class="num">#</th><th>layer</th><th>op</th><th class="num">SQNR (dB)</th><th class="num">cosine</th><th class="num">max |error|</th><th>kept in float</th></tr></thead><tbody>${all.map(
    (l, i) =>
      html`<tr><td class="num">${i + 1}</td><td class="name">${l.name}</td><td>${l.opType ?? ''}</td><td class="num">${formatNumber(l.sqnrDb)}</td><td class="num">${formatNumber(l.cosine, 6)}</td><td class="num">${l.maxAbsError === undefined ? '' : formatNumber(l.maxAbsError)}</td><td>${l.keptFloat ? 'yes' : ''}</td></tr>`,
  )}</tbody></table></details>`;
  return section(
    'layers',
    'Per-layer error',
    'Each layer’s output in the quantized model compared with the same tensor in the float model on the same inputs. Low SQNR or cosine marks where the error comes from.',
    html`<figure class="chart" data-chart="layer-error">${svg}</figure>${table}`,
  );
}

/** Weights of the worst-ranked layers first; layers without an error measurement keep their order, after. */
export function pickWeights(d: ReportData, max: number): WeightDistribution[] {
  const rank = new Map(rankLayers(d.layers ?? []).map((l, i) => [l.name, i]));
  const score = (w: WeightDistribution) => rank.get(w.layer) ?? Infinity;
  return (d.weights ?? [])
    .map((w, i) => ({ w, i }))
    .sort((a, b) => score(a.w) - score(b.w) || a.i - b.i)
    .slice(0, max)
    .map((x) => x.w);
}

export async function weightsSection(d: ReportData, lim: Required<ReportLimits>, chart: ChartRenderer): Promise<Section | undefined> {
  const picked = pickWeights(d, lim.maxWeightHistograms);
  if (!picked.length) return undefined;
  const figs: SafeHtml[] = [];
  for (const w of picked) {
    const svg = await chart(weightHistogramSpec(w, weightHistogramData(w, lim.histogramBins)), 'weight-histogram');
    figs.push(html`<figure class="chart" data-chart="weight-histogram">${svg}</figure>`);
  }
  return section(
    'weights',
    'Weights and the quantization grid',
    `Weight histograms (blue) of the ${picked.length === 1 ? 'worst layer' : `${picked.length} worst layers`}; orange ticks are the values the quantized weights can take, dashed lines the ends of the grid. Weights outside the dashed lines are clipped; a coarse grid over a narrow distribution wastes levels.`,
    html`<div class="figs">${figs}</div>`,
  );
}

export async function activationsSection(d: ReportData, lim: Required<ReportLimits>, chart: ChartRenderer): Promise<Section | undefined> {
  if (!d.activations?.length) return undefined;
  const rows = activationRows(d.activations, lim.maxActivations);
  const svg = await chart(activationRangesSpec(rows, d.activations.length), 'activation-ranges');
  const table = html`<details><summary>All ${d.activations.length} activation ranges as a table</summary><table><thead><tr><th>tensor</th><th class="num">chosen min</th><th class="num">chosen max</th><th class="num">observed min</th><th class="num">observed max</th><th class="num">scale</th><th class="num">zero point</th></tr></thead><tbody>${d.activations.map(
    (a) =>
      html`<tr><td class="name">${a.tensor}</td><td class="num">${formatNumber(a.chosenMin)}</td><td class="num">${formatNumber(a.chosenMax)}</td><td class="num">${a.observedMin === undefined ? '—' : formatNumber(a.observedMin)}</td><td class="num">${a.observedMax === undefined ? '—' : formatNumber(a.observedMax)}</td><td class="num">${a.scale === undefined ? '' : formatNumber(a.scale)}</td><td class="num">${a.zeroPoint ?? ''}</td></tr>`,
  )}</tbody></table></details>`;
  return section(
    'activations',
    'Activation ranges',
    'The range calibration chose for each activation against the range it saw. A chosen range narrower than the observed one clips outliers to gain resolution.',
    html`<figure class="chart" data-chart="activation-ranges">${svg}</figure>${table}`,
  );
}

export async function outputsSection(d: ReportData, lim: Required<ReportLimits>, chart: ChartRenderer): Promise<Section | undefined> {
  if (!d.outputs?.length) return undefined;
  const figs: SafeHtml[] = [];
  for (const o of d.outputs) {
    const svg = await chart(outputScatterSpec(o.name, scatterData(o, lim.maxScatterPoints)), 'output-scatter');
    figs.push(html`<figure class="chart" data-chart="output-scatter">${svg}</figure>`);
  }
  return section(
    'outputs',
    'Quantized vs float outputs',
    'Each point is one output value of the quantized model against the float model on the same input; the dashed diagonal is perfect agreement.',
    html`<div class="figs">${figs}</div>`,
  );
}

export async function tuningSection(d: ReportData, chart: ChartRenderer): Promise<Section | undefined> {
  const t = d.tuning;
  if (!t) return undefined;
  const svg = await chart(tuningSpec(t), 'tuning-steps');
  const fmt = (x: number) => formatMetric(x, t.isFraction);
  const rows = t.steps.map((s) => {
    const ok = meetsTarget(t, s.metric);
    return html`<tr><td class="num">${s.step}</td><td class="num">${s.keptFloat.length}</td><td class="num ${ok ? 'better' : 'worse'}">${fmt(s.metric)}</td><td class="num">${formatMetricDelta(s.metric - t.floatMetric, t.isFraction)}</td><td>${s.note ?? ''}</td><td class="name">${s.keptFloat.join(', ')}</td></tr>`;
  });
  const of = t.quantizableLayers !== undefined ? ` of ${t.quantizableLayers} quantizable layers` : '';
  const lead = `Keeps the fewest layers in float so that ${t.metric} stays within ${fmt(tuningTarget(t))} (float ${fmt(t.floatMetric)}). Result: ${t.keptFloat.length}${of} kept in float${t.keptFloat.length ? `: ${t.keptFloat.join(', ')}` : ''}.`;
  const table = html`<table><thead><tr><th class="num">step</th><th class="num">in float</th><th class="num">${t.metric}</th><th class="num">vs float</th><th>why</th><th>layers in float</th></tr></thead><tbody>${rows}</tbody></table>`;
  return section('tuning', 'Accuracy-driven tuning', lead, html`<figure class="chart" data-chart="tuning-steps">${svg}</figure><h3>Steps</h3>${table}`);
}

function optionText(v: OptionValue): string {
  if (v === undefined || v === null) return '—';
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}

export function detailsSection(d: ReportData): Section {
  const m = d.model;
  const shape = (s?: readonly (number | string)[]) => (s ? `[${s.join(', ')}]` : '');
  const tensors = (ts?: { name: string; type?: string; shape?: readonly (number | string)[] }[]) =>
    ts?.length ? html`${ts.map((t, i) => html`${i ? raw('<br>') : ''}<code>${t.name}</code> ${t.type ?? ''} ${shape(t.shape)}`)}` : undefined;
  const info: [string, HtmlValue][] = [
    ['name', m.name],
    ['source', m.source],
    ['mode', m.mode],
    ['opset', m.opset],
    ['producer', m.producer],
    ['nodes', m.nodes],
    ['quantized nodes', m.quantizedNodes !== undefined ? `${m.quantizedNodes}${m.quantizableNodes !== undefined ? ` of ${m.quantizableNodes} quantizable` : ''}` : undefined],
    ['parameters', m.parameters?.toLocaleString('en-US')],
    ['inputs', tensors(m.inputs)],
    ['outputs', tensors(m.outputs)],
  ];
  const kv = (rows: [string, HtmlValue][]) =>
    html`<table><tbody>${rows.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => html`<tr><th>${k}</th><td>${v}</td></tr>`)}</tbody></table>`;
  const opts = Object.entries(d.options ?? {});
  const warnings = d.warnings ?? [];
  return section(
    'details',
    'Run details',
    '',
    html`<div class="cols"><div><h3>Model</h3>${kv(info)}</div>${
      opts.length ? html`<div><h3>Options</h3>${kv(opts.map(([k, v]) => [k, optionText(v)]))}</div>` : ''
    }</div><h3 id="warnings">Warnings (${warnings.length})</h3>${
      warnings.length ? html`<div class="warn"><ul>${warnings.map((w) => html`<li>${w}</li>`)}</ul></div>` : html`<p class="lead">None.</p>`
    }`,
  );
}
