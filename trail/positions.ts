import type { LogPosition } from '../platform/positions.js';

/** Where one record sits in the trail: what the gateway returns to the agency and the resident sees. */
export type TrailPosition = LogPosition;
