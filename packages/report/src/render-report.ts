import { html, raw, type SafeHtml } from './html.js';
import { page } from './page.js';
import { renderChart } from './render-svg.js';
import type { ReportData } from './report-data.js';
import {
  activationsSection,
  DEFAULT_LIMITS,
  detailsSection,
  layersSection,
  outputsSection,
  summarySection,
  tuningSection,
  weightsSection,
  type ChartRenderer,
  type Section,
} from './sections.js';
import { validateReportData } from './validate.js';

/**
 * The report as one self-contained HTML page: inline CSS, charts as inline static SVG, no scripts,
 * no external resources. Throws `ReportDataError` for malformed data.
 */
export async function renderReport(data: ReportData): Promise<string> {
  validateReportData(data);
  const limits = { ...DEFAULT_LIMITS, ...data.limits };
  let n = 0;
  const chart: ChartRenderer = async (spec, kind) => {
    const { svg } = await renderChart(spec, `${kind}-${n++}`);
    return raw(svg);
  };
  const sections = [
    summarySection(data),
    await layersSection(data, limits, chart),
    await weightsSection(data, limits, chart),
    await activationsSection(data, limits, chart),
    await outputsSection(data, limits, chart),
    await tuningSection(data, chart),
    detailsSection(data),
  ].filter((s): s is Section => s !== undefined);
  const warnings = data.warnings?.length ?? 0;
  const callout: SafeHtml = warnings
    ? html`<div class="warn"><strong>${warnings} warning${warnings === 1 ? '' : 's'}</strong> — see <a href="#warnings">Run details</a>.</div>`
    : raw('');
  const subtitle = [data.model.name, data.model.mode && `${data.model.mode} quantization`, data.generatedAt].filter(Boolean).join(' · ');
  return page({
    title: data.title ?? `Quantization report — ${data.model.name}`,
    subtitle,
    nav: sections.map((s) => ({ id: s.id, label: s.label })),
    body: html`${callout}${sections.map((s) => s.body)}`,
  });
}
