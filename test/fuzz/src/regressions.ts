// Every input that ever failed a campaign, replayed through its target on every run.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { REGRESSIONS } from './campaign.js';
import type { TargetName } from './targets.js';

export function regressionCases(target: TargetName): { file: string; bytes: Uint8Array }[] {
  const dir = `${REGRESSIONS}${target}`;
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.bin'))
    .sort()
    .map((f) => ({ file: `${dir}/${f}`, bytes: new Uint8Array(readFileSync(`${dir}/${f}`)) }));
}
