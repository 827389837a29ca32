export type { HttpRequest } from '@azure/functions';
export { entry } from '../../functions/entry.js';
export { b } from './b.js';
export const pipeline = 'pipeline';
