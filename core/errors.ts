/**
 * One error vocabulary for Tsunagi. Every expected failure has a stable code from
 * `ErrorCatalogue`; retry logic reads `retriable`, the gateway maps `httpStatus`.
 * Messages must never contain personal data (My Number, names, addresses).
 */
export const ErrorCatalogue = {
  CONFIG_INVALID: { httpStatus: 500, retriable: false },
  INFRA_TOOL_MISSING: { httpStatus: 500, retriable: false },
  INFRA_START_FAILED: { httpStatus: 500, retriable: true },
  INPUT_INVALID: { httpStatus: 400, retriable: false },
  /** A body in a media type or charset the API does not speak (JSON in UTF-8 only). */
  MEDIA_TYPE_UNSUPPORTED: { httpStatus: 415, retriable: false },
  /** The client did not send its request (headers or body) within the server's bound. */
  REQUEST_TIMEOUT: { httpStatus: 408, retriable: true },
  MY_NUMBER_INVALID: { httpStatus: 400, retriable: false },
  EXPORT_COLUMNS_MISMATCH: { httpStatus: 400, retriable: false },
  SCHEMA_NOT_FOUND: { httpStatus: 500, retriable: false },
  SCHEMA_INCOMPATIBLE: { httpStatus: 409, retriable: false },
  REGISTRY_UNAVAILABLE: { httpStatus: 503, retriable: true },
  BROKER_UNAVAILABLE: { httpStatus: 503, retriable: true },
  TRAIL_UNAVAILABLE: { httpStatus: 503, retriable: true },
  /** The trail's Merkle log was fed an index out of sequence (a gap, or a reordering). */
  TRAIL_LOG_GAP: { httpStatus: 500, retriable: false },
  /** An entry re-read at an integrated index differs from the one in the tree: the trail was rewritten. */
  TRAIL_LOG_DIVERGED: { httpStatus: 500, retriable: false },
  STORE_UNAVAILABLE: { httpStatus: 503, retriable: true },
  /** A local store could not write: its disk is full (or a file-size limit was reached). Needs an operator. */
  STORE_FULL: { httpStatus: 507, retriable: false },
  ANALYTICS_UNAVAILABLE: { httpStatus: 503, retriable: true },
  IDENTITY_UNKNOWN: { httpStatus: 404, retriable: false },
  KEY_VERSION_UNKNOWN: { httpStatus: 500, retriable: false },
  NOT_FOUND: { httpStatus: 404, retriable: false },
  FORBIDDEN: { httpStatus: 403, retriable: false },
  UNAUTHENTICATED: { httpStatus: 401, retriable: false },
  RATE_LIMITED: { httpStatus: 429, retriable: true },
  /** A consent may be recorded only by the resident (signed in) or the portal acting for them. */
  CONSENT_NOT_BY_RESIDENT: { httpStatus: 403, retriable: false },
  /** A consent's validFrom lies in the past (beyond the clock-skew tolerance). */
  CONSENT_BACKDATED: { httpStatus: 400, retriable: false },
  /** A consent's period is inverted, over, too long, or starts too far ahead. */
  CONSENT_PERIOD_INVALID: { httpStatus: 400, retriable: false },
  /** An Idempotency-Key already recorded a different consent. */
  CONSENT_CONFLICT: { httpStatus: 409, retriable: false },
  /** An eligibility rule could not be evaluated for one resident: dead-lettered with the reason, the stream goes on. */
  ELIGIBILITY_RULE_FAILED: { httpStatus: 500, retriable: false },
  INTERNAL: { httpStatus: 500, retriable: false },
} as const satisfies Record<string, { httpStatus: number; retriable: boolean }>;

export type ErrorCode = keyof typeof ErrorCatalogue;

export interface TsunagiErrorOptions {
  /** Where the problem is: a field path, a file:line, a URL path. */
  path?: string;
  cause?: unknown;
  /** Overrides the catalogue's default, e.g. a non-retriable broker refusal. */
  retriable?: boolean;
}

export class TsunagiError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly httpStatus: number;
  readonly path: string | undefined;

  constructor(code: ErrorCode, message: string, options: TsunagiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TsunagiError';
    this.code = code;
    this.retriable = options.retriable ?? ErrorCatalogue[code].retriable;
    this.httpStatus = ErrorCatalogue[code].httpStatus;
    this.path = options.path;
  }

  toJSON(): { code: ErrorCode; message: string; path?: string } {
    return this.path === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, path: this.path };
  }
}

export const isTsunagiError = (value: unknown): value is TsunagiError => value instanceof TsunagiError;

/** For `switch` statements over discriminated unions: a compile error when a case is missed. */
export function assertNever(value: never, what = 'value'): never {
  throw new TsunagiError('INTERNAL', `unhandled ${what}: ${JSON.stringify(value)}`);
}
