import { runLocalHost } from '../../../dev/host/run.js';
import { memoryLocal } from './memory-module.js';

// `npm start` for a test: the local host that also serves CONNECTOR_KIND=memory.
await runLocalHost([memoryLocal]);
