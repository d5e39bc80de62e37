import { reduceOp } from './reduce-family.js';

export const reduceSumConfig = reduceOp({
  opType: 'ReduceSum',
  axesInputSince: 13,
  init: 0,
  step: (acc, x) => acc + x,
  finish: (acc) => acc,
});
