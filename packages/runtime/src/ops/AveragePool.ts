export { averagePoolConfig } from './pool-family.js';
