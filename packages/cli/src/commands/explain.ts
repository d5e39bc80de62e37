import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { inlineExternalData } from '@octet/onnx';
import { writeFileAtomic } from '@octet/onnx/node';
import { compareLayers, type CalibrationData, type Feeds, type LayerComparison } from '@octet/quantizer';
import { renderReport, type ReportData } from '@octet/report';
import type { CommandSpec, ParsedArgs } from '../args.js';
import { batchesOf, dataParts, readDataPart } from '../data-folder.js';
import { CliError, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { openModel, resolvePath } from '../model-file.js';
import { createOctetExecutor } from '../octet-executor.js';
import { createProgress } from '../progress.js';
import { compareOutputs } from '../report-data.js';
import { hasExternalData } from '../engine.js';
import { summarizeModel } from '../model-summary.js';
import { jsonOption, threadsOption } from './common-options.js';

export const explainCommand: CommandSpec = {
  name: 'explain',
  positionals: ['FLOAT.onnx', 'QUANT.onnx'],
  summary: 'Per-layer error of a quantized model: SQNR, cosine similarity and max error of every matched activation, worst first.',
  details:
    'Runs both models on the same samples (Octet runtime) and compares each activation of the float\n' +
    'model with the same tensor in the quantized one (QDQ keeps the names; QOperator outputs are\n' +
    'dequantized with their stored scale and zero point).',
  options: {
    data: { type: 'string', value: 'DIR', help: 'input data folder (input_K.pb, first axis = samples)', required: true },
    samples: { type: 'string', value: 'N', help: 'samples compared (default 64)', integer: { min: 1 } },
    top: { type: 'string', value: 'N', help: 'rows printed (default 20; --json prints all)', integer: { min: 1 } },
    'all-tensors': { type: 'boolean', help: 'also compare outputs of data-movement ops (Reshape, Transpose, …)' },
    report: { type: 'string', value: 'FILE.html', help: 'write a self-contained HTML report' },
    threads: threadsOption,
    json: { ...jsonOption, help: 'print {"layers": [...]} (all rows)' },
  },
  run: runExplain,
};

function dataFrom(dir: string, inputNames: readonly string[]): CalibrationData {
  const parts = dataParts(dir);
  if (parts.length === 1) return readDataPart(parts[0], inputNames, { labels: 'ignore' }).feeds as unknown as Feeds;
  return {
    *[Symbol.iterator]() {
      for (const p of parts) for (const b of batchesOf(readDataPart(p, inputNames, { labels: 'ignore' }), 16)) yield b.feeds as unknown as Feeds;
    },
  };
}

async function runExplain(args: ParsedArgs, io: CliIo): Promise<void> {
  const [floatArg, quantArg] = args.positionals;
  const floatPath = resolvePath(floatArg, io.cwd);
  const quantPath = resolvePath(quantArg, io.cwd);
  const reportPath = args.options.report ? resolvePath(args.options.report as string, io.cwd) : undefined;
  if (reportPath && (reportPath === floatPath || reportPath === quantPath)) throw new UsageError(`--report ${args.options.report} would overwrite a model file`);
  const json = Boolean(args.options.json);
  const floatModel = openModel(floatPath);
  const quantModel = openModel(quantPath);
  // the executor takes one buffer per model: bring tensors kept in external data inline
  for (const m of [floatModel, quantModel]) if (hasExternalData(m)) inlineExternalData(m);
  const inputNames = floatModel.graph.inputs.filter((v) => !floatModel.graph.initializers.has(v.name)).map((v) => v.name);
  const dataDir = resolvePath(args.options.data as string, io.cwd);
  const samples = dataFrom(dataDir, inputNames);
  const progress = createProgress(io, 'explain', json);
  progress.update(undefined, 'running both models');
  let rows: LayerComparison[];
  try {
    rows = await compareLayers(floatModel.toProto(), quantModel.toProto(), samples, {
      executor: createOctetExecutor({ threads: args.options.threads as number | undefined }),
      maxSamples: (args.options.samples as number | undefined) ?? 64,
      includeDataMovement: Boolean(args.options['all-tensors']),
    });
  } catch (e) {
    throw new CliError(`${quantArg} vs ${floatArg}: ${(e as Error).message}`, { cause: e });
  } finally {
    progress.done();
  }
  if (reportPath) {
    const data = explainReport(floatArg, floatPath, quantPath, floatModel, rows);
    data.outputs = await compareOutputs(floatPath, quantPath, dataDir, 256, args.options.threads as number | undefined).catch(() => undefined);
    if (!data.outputs) delete data.outputs;
    const html = await renderReport(data);
    try {
      writeFileAtomic(reportPath, [new TextEncoder().encode(html)]);
    } catch (e) {
      throw new CliError(`${reportPath}: cannot write the report: ${(e as Error).message}`, { cause: e });
    }
  }
  if (json) {
    io.stdout(JSON.stringify({ layers: rows.map(jsonRow), ...(reportPath ? { report: args.options.report } : {}) }, null, 2) + '\n');
    return;
  }
  io.stdout(formatTable(rows, (args.options.top as number | undefined) ?? 20));
  if (reportPath) io.stdout(`report: ${args.options.report}\n`);
}

/** JSON has no Infinity: identical tensors report sqnrDb null. */
function jsonRow(r: LayerComparison) {
  return { ...r, sqnrDb: Number.isFinite(r.sqnrDb) ? r.sqnrDb : null };
}

export function explainReport(floatArg: string, floatPath: string, quantPath: string, floatModel: ReturnType<typeof openModel>, rows: LayerComparison[]): ReportData {
  const s = summarizeModel(floatModel);
  return {
    title: `Per-layer error — ${basename(quantPath)} vs ${basename(floatPath)}`,
    model: { name: basename(floatPath), source: floatArg, nodes: s.nodes, parameters: s.parameters, opset: floatModel.opset() },
    summary: { sizeBytes: { float: statSync(floatPath).size, quantized: statSync(quantPath).size } },
    layers: rows.map((r) => ({
      name: r.node === r.tensor ? r.tensor : `${r.node} → ${r.tensor}`,
      opType: r.opType,
      sqnrDb: r.sqnrDb,
      cosine: r.cosine,
      maxAbsError: r.maxAbsError,
    })),
  };
}

const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : x > 0 ? 'exact' : String(x));

function formatTable(rows: LayerComparison[], top: number): string {
  const shown = rows.slice(0, top);
  const header = ['rank', 'SQNR dB', 'cosine', 'max |err|', 'op', 'tensor'];
  const body = shown.map((r, i) => [String(i + 1), fmt(r.sqnrDb), fmt(r.cosine, 5), r.maxAbsError.toPrecision(3), r.opType, r.tensor]);
  const w = header.map((h, j) => Math.max(h.length, ...body.map((b) => b[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => (j < 4 ? c.padStart(w[j]) : j === cells.length - 1 ? c : c.padEnd(w[j]))).join('  ');
  const out = [`${rows.length} activations compared, worst first${rows.length > shown.length ? ` (top ${shown.length}; --top N or --json for more)` : ''}:`, line(header), ...body.map(line)];
  return out.join('\n') + '\n';
}
