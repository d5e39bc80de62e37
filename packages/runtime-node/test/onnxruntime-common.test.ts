import * as common130 from 'onnxruntime-common';
import * as common122 from 'onnxruntime-common-1-22';
import { describe, expect, it } from 'vitest';
import { checkErrorsAndFetches, checkFixture, registerOn, type OrtModule } from './contract.js';

// One contract run per supported onnxruntime-common minor version (the Backend API is internal
// upstream): 1.30 (installed with onnxruntime-node/web) and 1.22 (npm alias devDependency).
describe.each([
  ['1.30', common130 as unknown as OrtModule, '1.30'],
  ['1.22', common122 as unknown as OrtModule, '1.22'],
])('onnxruntime-common %s', (_label, ort, minor) => {
  const reg = registerOn(ort);
  it('is the version under test', async () => {
    const env = (ort as unknown as { env: { versions: { common: string } } }).env;
    expect(env.versions.common.startsWith(`${minor}.`)).toBe(true);
  });
  it('runs the encoder fixture from a path and the MLP from bytes', async () => {
    await checkFixture(ort, 'encoder_sentiment', 'path');
    await checkFixture(ort, 'mlp_diabetes', 'bytes');
    expect(reg.created()).toBe(2);
  });
  it('reports bad feeds, stays usable, fills pre-allocated fetches', async () => {
    await checkErrorsAndFetches(ort);
  });
});
