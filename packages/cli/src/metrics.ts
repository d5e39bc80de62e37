// Task metrics over a model output and labels, accumulated batch by batch.
import { CliError } from './errors.js';
import type { DataTensor } from './data-folder.js';

export const METRICS = ['accuracy', 'rmse', 'mae'] as const;
export type MetricName = (typeof METRICS)[number];

/** Higher is better for accuracy; lower for the error metrics. */
export function higherIsBetter(metric: MetricName): boolean {
  return metric === 'accuracy';
}

export class MetricAccumulator {
  private sum = 0;
  samples = 0;
  constructor(readonly metric: MetricName) {}

  /**
   * accuracy: argmax over each sample's scores vs a class id (or a one-hot row) per sample;
   * rmse/mae: element-wise against labels with the same number of values per sample.
   */
  add(output: { dims: readonly number[]; data: ArrayLike<unknown> }, labels: DataTensor, outputName = 'output'): void {
    const n = output.dims[0];
    if (n === undefined || n !== labels.dims[0]) {
      throw new CliError(`output '${outputName}' has shape [${output.dims.join(', ')}] but labels have ${labels.dims[0]} samples`);
    }
    if (n === 0) return;
    const out = output.data;
    const lab = labels.data;
    const k = out.length / n;
    const kl = lab.length / n;
    if (this.metric === 'accuracy') {
      if (k < 2) throw new CliError(`accuracy needs class scores per sample; output '${outputName}' has shape [${output.dims.join(', ')}] (use --metric rmse or mae)`);
      if (kl !== 1 && kl !== k) throw new CliError(`labels have ${kl} values per sample; expected a class id or ${k} scores`);
      for (let i = 0; i < n; i++) {
        const pred = argmax(out, i * k, k);
        const truth = kl === 1 ? Number(lab[i]) : argmax(lab, i * kl, kl);
        if (pred === truth) this.sum++;
      }
    } else {
      if (kl !== k) throw new CliError(`labels have ${kl} values per sample but output '${outputName}' has ${k}`);
      for (let i = 0; i < out.length; i++) {
        const d = Number(out[i]) - Number(lab[i]);
        this.sum += this.metric === 'rmse' ? d * d : Math.abs(d);
      }
      this.elements += out.length;
    }
    this.samples += n;
  }

  private elements = 0;

  get value(): number {
    if (!this.samples) return NaN;
    if (this.metric === 'accuracy') return this.sum / this.samples;
    const mean = this.sum / this.elements;
    return this.metric === 'rmse' ? Math.sqrt(mean) : mean;
  }
}

function argmax(a: ArrayLike<unknown>, offset: number, k: number): number {
  let best = 0;
  let bestV = Number(a[offset]);
  for (let j = 1; j < k; j++) {
    const v = Number(a[offset + j]);
    if (v > bestV) {
      best = j;
      bestV = v;
    }
  }
  return best;
}
