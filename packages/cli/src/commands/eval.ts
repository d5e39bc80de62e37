import type { CommandSpec } from '../args.js';
import { evaluateModel } from '../evaluate.js';
import type { MetricName } from '../metrics.js';
import { resolvePath } from '../model-file.js';
import { createProgress } from '../progress.js';
import { batchSizeOption, jsonOption, metricOption, threadsOption } from './common-options.js';

export const evalCommand: CommandSpec = {
  name: 'eval',
  positionals: ['MODEL.onnx'],
  summary: "Evaluate the model on a labelled data folder (input_K.pb + labels.pb) on Octet's runtime.",
  details: 'accuracy: argmax of the output vs class ids (or one-hot rows); rmse/mae: element-wise vs labels.',
  options: {
    data: { type: 'string', value: 'DIR', help: 'folder of input_K.pb and labels.pb', required: true },
    metric: { ...metricOption, required: true },
    threads: threadsOption,
    'batch-size': batchSizeOption,
    output: { type: 'string', value: 'NAME', help: 'model output to score (default: the first)' },
    json: { ...jsonOption, help: 'print {"metric", "value", "samples"}' },
  },
  async run(args, io) {
    const json = Boolean(args.options.json);
    const r = await evaluateModel(resolvePath(args.positionals[0], io.cwd), resolvePath(args.options.data as string, io.cwd), {
      metric: args.options.metric as MetricName,
      threads: args.options.threads as number | undefined,
      batchSize: args.options['batch-size'] as number | undefined,
      output: args.options.output as string | undefined,
      progress: createProgress(io, 'eval', json),
    });
    io.stdout(json ? JSON.stringify({ metric: r.metric, value: r.value, samples: r.samples }) + '\n' : `${r.metric} ${formatMetric(r.value)} (${r.samples} samples)\n`);
  },
};

export function formatMetric(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(2) : v.toPrecision(4);
}
