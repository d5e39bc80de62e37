export { logSoftmaxConfig } from './softmax-family.js';
