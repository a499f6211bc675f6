// Runs the TypeScript history worker where the service itself runs under tsx (npm start, the
// tests): worker threads do not inherit tsx's loader on Node 20, so register it here first.
// A compiled build starts history-worker.js directly and never loads this file.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
