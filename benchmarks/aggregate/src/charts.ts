// SVG charts of latest.json, drawn as Vega-Lite specs by @octet/report's renderer (the same
// charting library and theme as the quantization report).
import { renderChart } from '@octet/report';
import type { Latest } from './types.js';

type Spec = Parameters<typeof renderChart>[0];

export interface ChartFile {
  suite: string;
  /** file name in benchmarks/results/ */
  file: string;
  title: string;
}

export interface ChartSpec extends ChartFile {
  spec: Spec;
}

export interface RenderedChartFile extends ChartFile {
  svg: string;
  warnings: string[];
}

/** Every chart file this module may write (others in results/ are never touched). */
export const CHART_FILES = ['models.svg', 'kernels.svg', 'bundle-size.svg'];

const ENV = { node: 'Node', chromium: 'Chromium' } as const;
const BAR_HEIGHT = 12;

function groupedBars(title: string, values: Record<string, unknown>[], x: { field: string; title: string }, rule?: number): Spec {
  const cases = [...new Set(values.map((v) => String(v.case)))];
  const series = [...new Set(values.map((v) => String(v.series)))];
  const bars = {
    mark: { type: 'bar' as const },
    encoding: {
      y: { field: 'case', type: 'nominal' as const, sort: cases, title: null },
      yOffset: { field: 'series', type: 'nominal' as const, sort: series },
      x: { field: x.field, type: 'quantitative' as const, title: x.title },
      color: { field: 'series', type: 'nominal' as const, sort: series, title: null },
      tooltip: [{ field: 'case' }, { field: 'series' }, { field: x.field, format: '.2f' }],
    },
  };
  return {
    title,
    width: 520,
    // with yOffset the step is per bar (per series within a case)
    height: { step: BAR_HEIGHT },
    data: { values },
    layer: rule === undefined ? [bars] : [bars, { mark: { type: 'rule', strokeDash: [4, 3], color: '#52606d' }, encoding: { x: { datum: rule, type: 'quantitative' } } }],
  } as Spec;
}

export function chartSpecs(l: Latest): ChartSpec[] {
  const specs: ChartSpec[] = [];
  if (l.models?.rows.some((r) => Object.keys(r.vsOrtWeb).length)) {
    const title = 'Models: onnxruntime-web time ÷ Octet time (above 1: Octet faster)';
    const values = l.models.rows.flatMap((r) => Object.entries(r.vsOrtWeb).map(([t, ratio]) => ({ case: r.case, series: `${ENV[r.env]}, Octet ${t} thread${t === '1' ? '' : 's'}`, ratio })));
    specs.push({ suite: 'models', file: 'models.svg', title, spec: groupedBars(title, values, { field: 'ratio', title: 'speed-up over onnxruntime-web (×)' }, 1) });
  }
  if (l.kernels?.rows.some((r) => Object.keys(r.vsOrtWeb).length)) {
    const title = 'Kernels: onnxruntime-web time ÷ Octet time, same op (above 1: Octet faster)';
    const values = l.kernels.rows.flatMap((r) => Object.entries(r.vsOrtWeb).map(([label, ratio]) => ({ case: r.case, series: `${ENV[r.env]}, Octet ${label}`, ratio })));
    specs.push({ suite: 'kernels', file: 'kernels.svg', title, spec: groupedBars(title, values, { field: 'ratio', title: 'speed-up over onnxruntime-web (×)' }, 1) });
  }
  if (l.bundleSize?.rows.length) {
    const title = 'Bundle size: bytes a page fetches (gzip)';
    const values = l.bundleSize.rows.flatMap((r) => [
      { app: r.label, part: 'JavaScript', kb: r.js.gzip / 1024 },
      { app: r.label, part: '.wasm', kb: r.wasm.gzip / 1024 },
    ]);
    specs.push({
      suite: 'bundle-size',
      file: 'bundle-size.svg',
      title,
      spec: {
        title,
        width: 520,
        height: { step: 24 },
        data: { values },
        encoding: {
          y: { field: 'app', type: 'nominal', sort: l.bundleSize.rows.map((r) => r.label), title: null, axis: { labelLimit: 400 } },
        },
        layer: [
          {
            mark: { type: 'bar' },
            encoding: {
              x: { field: 'kb', type: 'quantitative', stack: 'zero', title: 'KB, gzip level 9' },
              color: { field: 'part', type: 'nominal', sort: ['JavaScript', '.wasm'], title: null },
              tooltip: [{ field: 'app' }, { field: 'part' }, { field: 'kb', format: '.1f' }],
            },
          },
          {
            mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
            encoding: { x: { aggregate: 'sum', field: 'kb' }, text: { aggregate: 'sum', field: 'kb', format: ',.0f' } },
          },
        ],
      } as Spec,
    });
  }
  return specs;
}

export async function renderCharts(l: Latest): Promise<RenderedChartFile[]> {
  const out: RenderedChartFile[] = [];
  for (const { spec, ...file } of chartSpecs(l)) {
    const { svg, warnings } = await renderChart(spec, file.file.replace(/\.svg$/, ''));
    out.push({ ...file, svg, warnings });
  }
  return out;
}
