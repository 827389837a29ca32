export { pipeline } from '../sync/pipeline.js';
