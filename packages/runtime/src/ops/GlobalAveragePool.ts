export { globalAveragePoolConfig } from './pool-family.js';
