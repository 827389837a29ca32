export { readFileSync } from 'node:fs';
export { store } from '../store/store.js';
export { statements } from '../connectors/warehouse/statements.js';
export type { Connection } from 'snowflake-sdk';
