// Runs every suite folder that has a run.mjs, one after another (they must not overlap: 2 cores).
import { readdirSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const here = fileURLToPath(new URL('.', import.meta.url));
let failed = 0;
for (const suite of readdirSync(here, { withFileTypes: true })) {
  const script = join(here, suite.name, 'run.mjs');
  if (!suite.isDirectory() || !existsSync(script)) continue;
  console.log(`\n## ${suite.name}`);
  const r = spawnSync(process.execPath, ['--expose-gc', script, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
