export { castLikeConfig } from './Cast.js';
