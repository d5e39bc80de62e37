import { mkdirSync } from 'node:fs';
import { basename, isAbsolute, join, relative } from 'node:path';
import { makeTensor, type DTypeName } from '@octet/onnx';
import { saveTensor } from '@octet/onnx/node';
import type { CommandSpec } from '../args.js';
import { batchSizeFor, concatSamples } from '../batching.js';
import { batchesOf, dataParts, readDataPart, type DataTensor } from '../data-folder.js';
import { openSession, runBatch } from '../engine.js';
import { CliError } from '../errors.js';
import { resolvePath } from '../model-file.js';
import { createProgress, yieldToEventLoop } from '../progress.js';
import { threadsOption, batchSizeOption } from './common-options.js';

export const runCommand: CommandSpec = {
  name: 'run',
  positionals: ['MODEL.onnx'],
  summary: "Run the model on Octet's runtime over a data folder; write output_K.pb files.",
  details:
    'Inputs are input_K.pb TensorProto files (first axis = samples), or numbered subfolders 0/, 1/, …\n' +
    'of them; outputs go to OUT/output_K.pb (OUT/0/output_K.pb, … for subfolders), each tensor named\n' +
    "after the model's K-th output.",
  options: {
    inputs: { type: 'string', value: 'DIR', help: 'folder of input_K.pb files', required: true },
    out: { type: 'string', value: 'DIR', help: 'folder for output_K.pb files (created if missing)', required: true },
    threads: threadsOption,
    'batch-size': batchSizeOption,
    json: { type: 'boolean', help: 'print a JSON summary of the written files' },
  },
  async run(args, io) {
    const modelPath = resolvePath(args.positionals[0], io.cwd);
    const inputsDir = resolvePath(args.options.inputs as string, io.cwd);
    const outDir = resolvePath(args.options.out as string, io.cwd);
    const session = await openSession(modelPath, { threads: args.options.threads as number | undefined });
    const json = Boolean(args.options.json);
    const progress = createProgress(io, 'run', json);
    const written: { file: string; name: string; type: string; dims: number[] }[] = [];
    try {
      const batchSize = batchSizeFor(session, args.options['batch-size'] as number | undefined);
      const parts = dataParts(inputsDir);
      for (const [pi, dir] of parts.entries()) {
        const part = readDataPart(dir, session.inputNames, { labels: 'ignore' });
        const collected = new Map<string, DataTensor[]>(session.outputNames.map((n) => [n, []]));
        for (const b of batchesOf(part, batchSize)) {
          const out = await runBatch(session, modelPath, b.feeds);
          for (const n of session.outputNames) collected.get(n)!.push(out[n]);
          progress.update((pi + (b.start + b.count) / Math.max(1, part.samples)) / parts.length, `${basename(dir)}: ${b.start + b.count}/${part.samples}`);
        }
        await yieldToEventLoop(); // a pending Ctrl-C stops here, between files
        const target = dir === inputsDir ? outDir : join(outDir, relative(inputsDir, dir));
        mkdirSync(target, { recursive: true });
        for (const [k, n] of session.outputNames.entries()) {
          const t = concatSamples(collected.get(n)!, n);
          const file = join(target, `output_${k}.pb`);
          try {
            saveTensor(makeTensor(n, t.type as DTypeName, t.dims, t.data as never), file);
          } catch (e) {
            throw new CliError(`${file}: cannot write output '${n}': ${(e as Error).message}`, { cause: e });
          }
          written.push({ file: displayPath(file, io.cwd), name: n, type: t.type, dims: t.dims });
        }
      }
    } finally {
      progress.done();
      session.dispose();
    }
    if (json) io.stdout(JSON.stringify({ outputs: written }, null, 2) + '\n');
    else for (const w of written) io.stdout(`${w.file}  ${w.name} ${w.type} [${w.dims.join(', ')}]\n`);
  },
};

/** Relative to the working directory when the file is inside it, else absolute. */
function displayPath(file: string, cwd = process.cwd()): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
