export * from './evaluate.js';
export * from './household.js';
export * from './notice-id.js';
export * from './table.js';
