import { unaryElementwise } from './unary-elementwise.js';

export const floorConfig = unaryElementwise({
  opType: 'Floor',
  float: () => Math.floor,
});
