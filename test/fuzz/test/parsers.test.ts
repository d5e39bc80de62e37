// Decoder and validator fuzzing: mutated fixtures through decodeModelProto and through
// parseModel + validateModel + inferShapes. Only OnnxError subclasses may come out.
import { afterAll, describe, expect, it } from 'vitest';
import { describeFailure, isFailure, runCampaign } from '../src/campaign.js';
import { parserSeeds, tensorSeeds } from '../src/corpus.js';
import { byteMutators, treeMutators, type MutatorName } from '../src/mutators.js';
import { FuzzPool } from '../src/pool.js';
import { regressionCases } from '../src/regressions.js';
import { FUZZ_SEED, HEAP_GROWTH_LIMIT, cases } from '../src/settings.js';

const pool = new FuzzPool({ timeoutMs: 20_000, maxHeapMb: 1024 });
afterAll(() => pool.close());
const seedsFor = { decode: parserSeeds(), validate: parserSeeds(), tensor: tensorSeeds() };
const casesFor = { decode: 3000, validate: 1000, tensor: 1000 };

describe.each(['decode', 'tensor', 'validate'] as const)('%s fuzzing', (target) => {
  it('replays every saved regression without a crash or hang', async () => {
    for (const c of regressionCases(target)) {
      const r = await pool.run(target, c.bytes);
      expect(isFailure(r), `${c.file}: ${JSON.stringify(r)}`).toBe(false);
    }
  });

  it(`${casesFor[target]} seeded mutations end in success or a typed error`, async () => {
    const mutators = (target === 'validate' ? Object.keys(treeMutators) : target === 'tensor' ? [...Object.keys(byteMutators), ...Object.keys(treeMutators)] : Object.keys(byteMutators)) as MutatorName[];
    const stats = await runCampaign({ pool, target, seeds: seedsFor[target], cases: cases(casesFor[target]), seed: FUZZ_SEED, mutators });
    console.log(`${target}: ${stats.cases} cases`, stats.outcomes);
    expect(stats.failures.map(describeFailure)).toEqual([]);
    // Both outcomes must actually occur, or the campaign tests nothing.
    expect(Object.keys(stats.outcomes).some((k) => k.startsWith('ok'))).toBe(true);
    expect(Object.keys(stats.outcomes).some((k) => k.startsWith('Onnx'))).toBe(true);
    expect(stats.heapLast! - stats.heapFirst!).toBeLessThan(HEAP_GROWTH_LIMIT);
  });
});
