export * from './decide.js';
export * from './load.js';
export * from './non-disclosure.js';
export * from './store.js';
export * from './table.js';
export * from './vocabulary.js';
