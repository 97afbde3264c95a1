export * from './decide.js';
export * from './non-disclosure.js';
export * from './table.js';
export * from './vocabulary.js';
