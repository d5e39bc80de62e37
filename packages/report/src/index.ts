export type * from './report-data.js';
export { renderReport } from './render-report.js';
export { ReportDataError } from './errors.js';
export { validateReportData } from './validate.js';
export { rankLayers, qualityBand, type QualityBand } from './rank-layers.js';
export { binValues, gridLevels, gridRange, clippedFraction, type Histogram } from './histogram.js';
export { subsampleIndices } from './subsample.js';
export { outputStats, type OutputStats } from './output-stats.js';
export { renderChart, type RenderedChart } from './render-svg.js';
