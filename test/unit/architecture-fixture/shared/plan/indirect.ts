export { evaluate } from '../policy/index.js';
