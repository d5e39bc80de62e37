export { upsampleConfig } from './Resize.js';
