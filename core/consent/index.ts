export * from './access.js';
export * from './api-schemas.js';
export * from './check.js';
export * from './decider.js';
export * from './limits.js';
export * from './types.js';
