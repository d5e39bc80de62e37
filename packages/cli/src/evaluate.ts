// Evaluates a model's task metric over a labelled data folder on Octet's runtime.
import { batchSizeFor } from './batching.js';
import { batchesOf, dataParts, readDataPart } from './data-folder.js';
import { openSession, runBatch } from './engine.js';
import { CliError } from './errors.js';
import { MetricAccumulator, type MetricName } from './metrics.js';
import { yieldToEventLoop, type Progress } from './progress.js';

export interface EvaluateOptions {
  metric: MetricName;
  threads?: number;
  batchSize?: number;
  /** model output compared with the labels (default: the first) */
  output?: string;
  progress?: Progress;
  /** evaluate these bytes (not yet written to `modelPath`) */
  bytes?: Uint8Array;
}

export interface Evaluation {
  metric: MetricName;
  value: number;
  samples: number;
}

export async function evaluateModel(modelPath: string, dataDir: string, options: EvaluateOptions): Promise<Evaluation> {
  const session = await openSession(modelPath, { threads: options.threads, bytes: options.bytes });
  try {
    const output = options.output ?? session.outputNames[0];
    if (!session.outputNames.includes(output)) throw new CliError(`${modelPath}: no output named '${output}' (outputs: ${session.outputNames.join(', ')})`);
    const batchSize = batchSizeFor(session, options.batchSize);
    const acc = new MetricAccumulator(options.metric);
    const parts = dataParts(dataDir);
    for (const [pi, dir] of parts.entries()) {
      const part = readDataPart(dir, session.inputNames, { labels: 'required' });
      for (const b of batchesOf(part, batchSize)) {
        await yieldToEventLoop();
        const out = await runBatch(session, modelPath, b.feeds);
        acc.add(out[output], b.labels!, output);
        options.progress?.update((pi + (b.start + b.count) / Math.max(1, part.samples)) / parts.length, `${acc.samples} samples`);
      }
    }
    if (!acc.samples) throw new CliError(`${dataDir}: no samples`);
    return { metric: options.metric, value: acc.value, samples: acc.samples };
  } finally {
    options.progress?.done();
    session.dispose();
  }
}
