import * as ortNode from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { checkErrorsAndFetches, checkFixture, registerOn, type OrtModule } from './contract.js';
import { FIXTURES } from './fixture-data.js';

// onnxruntime-node's own `ort` (CJS, its own onnxruntime-common 1.30).
const ort = ortNode as unknown as OrtModule;
const reg = registerOn(ort);

describe("onnxruntime-node with executionProviders: ['octet']", () => {
  for (const name of FIXTURES) {
    it(`${name} matches the ONNX Runtime reference and metric`, async () => {
      const before = reg.created();
      await checkFixture(ort, name, name === 'cnn_digits' ? 'bytes' : 'path');
      expect(reg.created()).toBe(before + 1); // ran on Octet, not on ORT's cpu backend
    });
  }
  it('reports bad feeds, stays usable, fills pre-allocated fetches', async () => {
    await checkErrorsAndFetches(ort);
  });
});
