export * from './eligibility-rules.js';
export * from './load.js';
export * from './store.js';
