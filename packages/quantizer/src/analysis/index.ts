export { compareLayers, type LayerComparison, type CompareLayersOptions } from './compare-layers.js';
export { ErrorStats, type ErrorSummary } from './error-stats.js';
export { layerSensitivity, type LayerSensitivity, type SensitivityResult } from './layer-sensitivity.js';
export { quantizeToTarget, type MixedPrecisionOptions, type MixedPrecisionReport, type TuningStep, type KeptLayer } from './mixed-precision.js';
