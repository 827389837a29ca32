export { readPolicies } from './file-source.js';
export const evaluate = () => true;
