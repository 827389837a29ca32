import { runLocalHost } from './host/run.js';

// `npm start`: the local host with the real warehouses (their emulators when none is configured).
await runLocalHost();
