export { softmaxConfig } from './softmax-family.js';
