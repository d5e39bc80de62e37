// The aggregator: benchmarks/results/<suite>.json (+ runs.json from run-all) → latest.json,
// latest.md, *.svg, and the root README's bench section. Run by run-all.mjs after the suites;
// `node benchmarks/run-all.mjs --aggregate-only` re-runs just this step.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildLatest } from './latest.js';
import { renderMarkdown } from './markdown.js';
import { CHART_FILES, renderCharts } from './charts.js';
import { replaceBenchSection } from './readme-section.js';
import { readSuites, type RunRecord } from './suites.js';
import { currentMachine, installedVersions } from './machine.js';
import type { Latest } from './types.js';

export interface AggregateOptions {
  resultsDir: string;
  /** README whose bench section is rewritten; omitted: none */
  readme?: string;
  /** per-suite run records (absent: aggregate whatever results exist) */
  runs?: Record<string, RunRecord>;
  quick?: boolean;
  repoRoot: string;
  date?: string;
}

function writeAtomic(file: string, text: string) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export async function aggregate(o: AggregateOptions): Promise<{ latest: Latest; markdown: string; charts: string[]; readmeUpdated: boolean }> {
  const suites = readSuites(o.resultsDir, o.runs);
  const latest = buildLatest(suites, {
    date: o.date ?? new Date().toISOString(),
    quick: o.quick ?? false,
    machine: currentMachine(),
    versions: installedVersions(o.repoRoot),
  });
  // A chart that cannot be drawn must not cost the table.
  const charts = await renderCharts(latest).catch((e: unknown) => {
    console.error(`charts not drawn: ${(e as Error).message}`);
    return [];
  });
  for (const c of charts) if (c.warnings.length) console.warn(`${c.file}: ${c.warnings.join('; ')}`);
  // Charts of suites without results this time are removed rather than left stale.
  const keep = new Set(charts.map((c) => c.file));
  for (const f of CHART_FILES) if (!keep.has(f)) rmSync(join(o.resultsDir, f), { force: true });
  for (const c of charts) writeAtomic(join(o.resultsDir, c.file), c.svg);

  const markdown = renderMarkdown(latest, { charts, assetBase: '', level: 2 });
  writeAtomic(join(o.resultsDir, 'latest.md'), `# Octet benchmarks\n\n${markdown}`);
  writeAtomic(join(o.resultsDir, 'latest.json'), JSON.stringify(latest, null, 1) + '\n');

  let readmeUpdated = false;
  if (o.readme && existsSync(o.readme)) {
    const section = renderMarkdown(latest, { charts, assetBase: 'benchmarks/results/', level: 3, compact: true });
    const next = replaceBenchSection(
      readFileSync(o.readme, 'utf8'),
      `${section}\nQuantizer time and memory, ONNX decode/encode and the JS bytes per package: [benchmarks/results/latest.md](benchmarks/results/latest.md) (data: \`latest.json\`); how to run: [benchmarks/README.md](benchmarks/README.md).`,
    );
    if (next === undefined) console.warn(`${o.readme}: no <!-- bench:start --> … <!-- bench:end --> section; not updated`);
    else {
      writeAtomic(o.readme, next);
      readmeUpdated = true;
    }
  }
  return { latest, markdown, charts: charts.map((c) => c.file), readmeUpdated };
}
