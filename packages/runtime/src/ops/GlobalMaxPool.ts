export { globalMaxPoolConfig } from './pool-family.js';
