// Runtime and quantizer fuzzing: well-formed-but-wrong models (fields removed, duplicated,
// swapped, edge-value ints and strings) through createSession + two runs (WASM kernels), and
// through quantize(dynamic). Only OctetRuntimeError / QuantizerError / OnnxError may come out.
import { afterAll, describe, expect, it } from 'vitest';
import { describeFailure, isFailure, runCampaign, untypedInside } from '../src/campaign.js';
import { quantizerSeeds, sessionSeeds } from '../src/corpus.js';
import { treeMutators, type MutatorName } from '../src/mutators.js';
import { FuzzPool, kernelWasmPath } from '../src/pool.js';
import { regressionCases } from '../src/regressions.js';
import { FUZZ_SEED, HEAP_GROWTH_LIMIT, cases } from '../src/settings.js';

const wasm = kernelWasmPath();
const pool = new FuzzPool({ timeoutMs: 60_000, maxHeapMb: 1536, wasm });
afterAll(() => pool.close());
const mutators = [...Object.keys(treeMutators), 'bitFlip'] as MutatorName[];

const plans = [
  { target: 'session', seeds: sessionSeeds(), n: 1000 },
  { target: 'quantize', seeds: quantizerSeeds(), n: 100 },
] as const;

describe.each(plans)('$target fuzzing', ({ target, seeds, n }) => {
  it('uses the WASM kernels (built by npm test)', () => {
    expect(wasm).toBeDefined();
  });

  it('replays every saved regression without a crash or hang', async () => {
    for (const c of regressionCases(target)) {
      const r = await pool.run(target, c.bytes);
      expect(isFailure(r) || (target === 'session' && untypedInside(r) !== undefined), `${c.file}: ${JSON.stringify(r)}`).toBe(false);
    }
  });

  it(`${n} seeded mutations end in success or a typed error`, async () => {
    const stats = await runCampaign({ pool, target, seeds, cases: cases(n), seed: FUZZ_SEED + 1, mutators, sampleEvery: target === 'quantize' ? 25 : 200, reject: target === 'session' ? untypedInside : undefined });
    console.log(`${target}: ${stats.cases} cases`, stats.outcomes, `arrayBuffers max ${(stats.arrayBuffersMax / 2 ** 20).toFixed(0)} MiB`);
    expect(stats.failures.map(describeFailure)).toEqual([]);
    expect(Object.keys(stats.outcomes).some((k) => k.startsWith('ok'))).toBe(true);
    expect(stats.heapLast! - stats.heapFirst!).toBeLessThan(HEAP_GROWTH_LIMIT);
  });
});
