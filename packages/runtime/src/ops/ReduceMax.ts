import { reduceOp } from './reduce-family.js';

export const reduceMaxConfig = reduceOp({
  opType: 'ReduceMax',
  axesInputSince: 18,
  init: -Infinity,
  step: (acc, x) => (x > acc || Number.isNaN(x) ? x : acc),
  finish: (acc) => acc,
});
