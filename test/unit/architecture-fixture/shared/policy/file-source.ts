export { readFile as readPolicies } from 'node:fs/promises';
