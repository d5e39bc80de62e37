// Accuracy-driven mixed precision: keep the fewest layers in float so that the task metric drops by
// at most `targetDrop` from the float model's.
//
// Layers are ranked once by sensitivity (keep-one-in-float, on calibration data: N cheap runs);
// the search then keeps the top k of that ranking in float and bisects on k, so the expensive
// metric evaluation runs O(log N) times instead of over subsets. A last pass drops kept layers
// that turn out not to be needed (least sensitive first), while the budget lasts.
import type { ModelProto } from 'onnx-buf';
import { QuantizerError } from '../errors.js';
import type { QuantizeOptions } from '../options.js';
import type { QuantizeResult } from '../quantize.js';
import { rankLayers, type LayerSensitivity } from './layer-sensitivity.js';
import { StaticBase, type Candidate } from './static-base.js';

export interface TuningStep {
  /** 0 = everything quantized */
  step: number;
  keptFloat: string[];
  metric: number;
  /** drop from the float metric (positive = worse) */
  drop: number;
  passed: boolean;
  note: string;
}

export interface KeptLayer {
  node: string;
  opType: string;
  /** position in the sensitivity ranking (1 = most sensitive) */
  rank: number;
  /** output SQNR gain when only this layer is kept in float (dB) */
  gainDb: number;
  reason: string;
}

export interface MixedPrecisionReport {
  higherIsBetter: boolean;
  floatMetric: number;
  targetDrop: number;
  /** metric and drop of the returned model */
  metric: number;
  drop: number;
  /** whether the returned model meets the target */
  met: boolean;
  quantizableLayers: number;
  kept: KeptLayer[];
  ranking: LayerSensitivity[];
  steps: TuningStep[];
  /** metric evaluations run (float model included) */
  evaluations: number;
}

export interface MixedPrecisionOptions extends QuantizeOptions {
  /** the task metric of a model (serialized ONNX), e.g. accuracy on a labelled folder */
  evaluate: (model: Uint8Array) => Promise<number>;
  higherIsBetter: boolean;
  /** largest allowed drop of the metric from the float model's (absolute, ≥ 0) */
  targetDrop: number;
  /** metric evaluations the final pruning pass may spend (default 6) */
  pruneBudget?: number;
}

export async function quantizeToTarget(model: ModelProto | Uint8Array, options: MixedPrecisionOptions): Promise<QuantizeResult & { tuning: MixedPrecisionReport }> {
  const t0 = Date.now();
  if (!(options.targetDrop >= 0)) throw new QuantizerError(`targetDrop must be a number ≥ 0 (got ${options.targetDrop})`);
  const progress = (fraction: number, message: string) => options.onProgress?.({ stage: 'sensitivity', fraction, message });
  const base = await StaticBase.create(model, options);
  let evaluations = 0;
  const evaluate = async (bytes: Uint8Array) => {
    evaluations++;
    const v = await options.evaluate(bytes);
    if (!Number.isFinite(v)) throw new QuantizerError(`the evaluation returned ${v}`);
    return v;
  };
  const floatMetric = await evaluate(base.floatBytes);
  const dropOf = (m: number) => (options.higherIsBetter ? floatMetric - m : m - floatMetric);
  // metrics are fractions or sums of floats: a drop within rounding of the target passes
  const passes = (m: number) => dropOf(m) <= options.targetDrop + 1e-9;

  const steps: TuningStep[] = [];
  const tried = new Map<number, { c: Candidate; metric: number }>();
  const record = (c: Candidate, metric: number, note: string) => {
    steps.push({ step: steps.length, keptFloat: c.keptFloat, metric, drop: dropOf(metric), passed: passes(metric), note });
  };

  const full = base.build([]);
  const fullMetric = await evaluate(full.bytes);
  record(full, fullMetric, 'all layers quantized');
  let best = { c: full, metric: fullMetric };
  let ranking: LayerSensitivity[] = [];
  if (!passes(fullMetric)) {
    progress(0, 'ranking layers by sensitivity');
    ranking = (await rankLayers(base, (f) => progress(f * 0.7, 'ranking layers by sensitivity'))).layers;
    const top = (k: number) => ranking.slice(0, k).map((l) => l.node);
    const at = async (k: number, note: string) => {
      const have = tried.get(k);
      if (have) return have;
      const c = base.build(top(k));
      const r = { c, metric: await evaluate(c.bytes) };
      tried.set(k, r);
      record(c, r.metric, note);
      return r;
    };
    // bisect on k: lo fails, hi passes (k = N leaves only what the fallback chose in float)
    let lo = 0;
    let hi = ranking.length;
    let hiResult = await at(hi, `all ${hi} layers in float`);
    if (passes(hiResult.metric)) {
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        progress(0.7 + 0.2 * (1 - (hi - lo) / ranking.length), `trying ${mid} layers in float`);
        const r = await at(mid, `keep the ${mid} most sensitive in float`);
        if (passes(r.metric)) {
          hi = mid;
          hiResult = r;
        } else lo = mid;
      }
      best = hiResult;
      // prune: a kept layer the target does not need goes back to int8 (least sensitive first)
      let budget = options.pruneBudget ?? 6;
      for (const node of [...best.c.keptFloat].reverse()) {
        if (budget-- <= 0 || best.c.keptFloat.length <= 1) break;
        const c = base.build(best.c.keptFloat.filter((n) => n !== node));
        const metric = await evaluate(c.bytes);
        const ok = passes(metric);
        record(c, metric, ok ? `quantize ${node} again: the target still holds` : `try quantizing ${node}: misses the target, so it stays float`);
        if (ok) best = { c, metric };
      }
    } else {
      best = [hiResult, { c: full, metric: fullMetric }].sort((a, b) => dropOf(a.metric) - dropOf(b.metric))[0];
    }
  }
  progress(1, 'done');
  const rankOf = new Map(ranking.map((l, i) => [l.node, i]));
  const kept: KeptLayer[] = best.c.keptFloat.map((node) => {
    const i = rankOf.get(node)!;
    const l = ranking[i];
    return {
      node,
      opType: l.opType,
      rank: i + 1,
      gainDb: l.gainDb,
      reason: `rank ${i + 1} of ${ranking.length} by sensitivity: keeping it alone in float raises the output SQNR by ${l.gainDb.toFixed(1)} dB`,
    };
  });
  const report = base.reportFor(best.c, (Date.now() - t0) / 1000);
  const tuning: MixedPrecisionReport = {
    higherIsBetter: options.higherIsBetter,
    floatMetric,
    targetDrop: options.targetDrop,
    metric: best.metric,
    drop: dropOf(best.metric),
    met: passes(best.metric),
    quantizableLayers: base.layers.length,
    kept,
    ranking,
    steps,
    evaluations,
  };
  if (!tuning.met) report.warnings.push(`target drop ${options.targetDrop} not met: best drop ${tuning.drop} with ${kept.length} layers in float`);
  return { model: best.c.model, report, tuning };
}
