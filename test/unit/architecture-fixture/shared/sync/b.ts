export { pipeline as b } from './pipeline.js';
