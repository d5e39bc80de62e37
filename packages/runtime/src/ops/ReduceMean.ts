import { reduceOp } from './reduce-family.js';

export const reduceMeanConfig = reduceOp({
  opType: 'ReduceMean',
  axesInputSince: 18,
  init: 0,
  step: (acc, x) => acc + x,
  finish: (acc, n) => acc / n,
});
