export * from './load.js';
export * from './store.js';
