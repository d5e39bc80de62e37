import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { checkErrorsAndFetches, checkFixture, registerOn, type OrtModule } from './contract.js';

// onnxruntime-web's `ort` in Node (its own bundled onnxruntime-common). Separate test file: the
// two ort packages must not share a process with the same backend name registered twice.
const ort = ortWeb as unknown as OrtModule;
const reg = registerOn(ort);

describe("onnxruntime-web (in Node) with executionProviders: ['octet']", () => {
  for (const name of ['mlp_diabetes', 'cnn_digits', 'encoder_sentiment']) {
    it(`${name} matches the ONNX Runtime reference and metric`, async () => {
      const before = reg.created();
      await checkFixture(ort, name, 'bytes');
      expect(reg.created()).toBe(before + 1);
    });
  }
  it('reports bad feeds, stays usable, fills pre-allocated fetches', async () => {
    await checkErrorsAndFetches(ort);
  });
});
