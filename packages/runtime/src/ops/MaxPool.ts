export { maxPoolConfig } from './pool-family.js';
