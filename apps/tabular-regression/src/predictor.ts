// Step 2: one model loaded once, predictions for rows of features. The same code runs the float
// model on onnxruntime-node (`cpu`) and the int8 model on Octet (`octet`), through onnxruntime-common.
import * as ort from 'onnxruntime-node';
import { register } from '@octet/runtime-node';

export interface Predictor {
  readonly features: number;
  /** One prediction per row. */
  predict(rows: readonly (readonly number[])[]): Promise<number[]>;
  release(): Promise<void>;
}

let registered = false;

export async function createPredictor(modelPath: string, provider: 'octet' | 'cpu'): Promise<Predictor> {
  if (provider === 'octet' && !registered) {
    // Adds the 'octet' execution provider to onnxruntime-node's ort. (The cast: onnxruntime-node
    // types its registerBackend with its own nested copy of onnxruntime-common's Backend type.)
    register(ort, { numThreads: 1 });
    registered = true;
  }
  const session = await ort.InferenceSession.create(modelPath, { executionProviders: [provider] });
  const input = session.inputNames[0];
  const output = session.outputNames[0];
  const meta = session.inputMetadata?.[0];
  const dims = meta && meta.isTensor ? meta.shape : [];
  const features = typeof dims[1] === 'number' ? dims[1] : 10;
  return {
    features,
    async predict(rows) {
      const data = new Float32Array(rows.length * features);
      rows.forEach((r, i) => data.set(r, i * features));
      const out = await session.run({ [input]: new ort.Tensor('float32', data, [rows.length, features]) });
      return Array.from(out[output].data as Float32Array);
    },
    release: () => session.release(),
  };
}
