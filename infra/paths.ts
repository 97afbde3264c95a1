/** Moved to platform/paths.ts (runtime code reads it there); kept for infra's own imports. */
export { type InfraPaths, infraPaths } from '../platform/paths.js';
