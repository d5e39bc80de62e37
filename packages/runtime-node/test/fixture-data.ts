// Fixture inputs and references for the adapter tests: the runtime's own test helpers
// (packages/runtime/test/fixtures.ts, read from test-data/, never ../shared), so both projects
// load fixtures and measure errors the same way.
import { readTensorPb, testData } from '../../runtime/test/helpers.js';

export { loadFixture as fixture, feedsOf, maxRelativeError, taskMetric } from '../../runtime/test/fixtures.js';

export const FIXTURES = ['mlp_diabetes', 'mlp_breast_cancer', 'cnn_digits', 'mobilenetv2_digits', 'encoder_sentiment'] as const;

export const modelPath = (name: string): string => testData(`fixtures/${name}/model.onnx`);

export const pb = (name: string, file: string) => readTensorPb(testData(`fixtures/${name}/${file}`));
