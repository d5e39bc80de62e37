// Task metrics of a model's first output against the bundled labels.
import type { MetricName } from '../shared/protocol.js';

/**
 * accuracy: argmax of each sample's scores against an integer class id;
 * rmse: element-wise against labels with as many values per sample as the output.
 */
export function taskMetric(metric: MetricName, output: ArrayLike<number>, labels: ArrayLike<number | bigint>): number {
  const n = labels.length;
  if (n === 0) throw new Error('no labelled samples');
  if (output.length % n !== 0) throw new Error(`output has ${output.length} values for ${n} labels`);
  const k = output.length / n;
  if (metric === 'accuracy') {
    if (k < 2) throw new Error(`accuracy needs class scores per sample; the output has ${k} value per sample`);
    let correct = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (output[i * k + j]! > output[i * k + best]!) best = j;
      if (best === Number(labels[i])) correct++;
    }
    return correct / n;
  }
  if (k !== 1) throw new Error(`rmse needs one value per sample against one label; the output has ${k}`);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (output[i]! - Number(labels[i])) ** 2;
  return Math.sqrt(sum / n);
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
