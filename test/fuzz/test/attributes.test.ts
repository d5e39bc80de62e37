// Attribute fuzzing: node attributes and small constants (shapes, starts/ends, pads, scales,
// repeats) of conv/pool fixtures and op conformance models set to hostile values — zero,
// negative, huge, NaN, ±Infinity, fractional, wrong lengths — through createSession + two runs
// (WASM kernels). Only typed errors may come out — also inside the planner's NodeExecutionError —
// and a bad dim must be refused by the op's
// shape preparation (runtime/src/shape-checks.ts), never reach the limits wrapper's last check.
import { afterAll, describe, expect, it } from 'vitest';
import { describeFailure, runCampaign, untypedInside } from '../src/campaign.js';
import { attributeSeeds } from '../src/corpus.js';
import type { MutatorName } from '../src/mutators.js';
import { FuzzPool, kernelWasmPath } from '../src/pool.js';
import { FUZZ_SEED, HEAP_GROWTH_LIMIT, cases } from '../src/settings.js';

const wasm = kernelWasmPath();
const pool = new FuzzPool({ timeoutMs: 60_000, maxHeapMb: 1536, wasm });
afterAll(() => pool.close());
const seeds = attributeSeeds();
const N = 3000;

describe('attribute fuzzing (session)', () => {
  it('every seed is a working model before mutation', async () => {
    expect(seeds.length).toBeGreaterThan(30);
    const broken: string[] = [];
    for (const s of seeds) {
      const r = await pool.run('session', s.bytes);
      if (r.status !== 'ok') broken.push(`${s.name}: ${JSON.stringify(r)}`);
    }
    expect(broken).toEqual([]);
  });

  it(`${N} hostile attribute / constant values end in success or a typed error from the op's own checks`, async () => {
    const stats = await runCampaign({
      pool,
      target: 'session',
      seeds,
      cases: cases(N),
      seed: FUZZ_SEED + 2,
      mutators: ['attributeEdit', 'constantEdit'] as MutatorName[],
      reject: untypedInside,
    });
    console.log(`attributes: ${stats.cases} cases`, stats.outcomes);
    expect(stats.failures.map(describeFailure)).toEqual([]);
    expect(Object.keys(stats.outcomes).some((k) => k.startsWith('ok'))).toBe(true);
    // The shape checks really fire on these inputs (not only the ops' older messages).
    expect(stats.outcomes['NodeExecutionError/InvalidAttributeError']).toBeGreaterThan(0);
    expect(stats.heapLast! - stats.heapFirst!).toBeLessThan(HEAP_GROWTH_LIMIT);
  });
});
