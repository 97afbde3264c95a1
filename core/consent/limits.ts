const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * How long before the instant a grant is decided its `validFrom` may lie: only clock skew between
 * the resident's device and the hub. A consent never covers the past (no backdating).
 */
export const CONSENT_START_TOLERANCE_MS = 5 * MINUTE_MS;

/** The longest period of one consent, and how far ahead it may start: a year, leap day included. */
export const MAX_CONSENT_PERIOD_MS = 366 * DAY_MS;
