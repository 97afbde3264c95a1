import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * Structured logs without personal data. Known personal fields are redacted wherever
 * they appear one or two levels deep; code must still never log a record body.
 * A test scans log output for My Numbers (identity privacy scan).
 */
export const REDACTED_PATHS = [
  'myNumber',
  '*.myNumber',
  '*.*.myNumber',
  '*.name',
  'nameKana',
  '*.nameKana',
  'address',
  '*.address',
  '*.*.address',
  'dateOfBirth',
  '*.dateOfBirth',
  'linkageId',
  '*.linkageId',
  'payload',
  '*.payload',
  // The resident's ledger (public-money account, contact for notices): sealed everywhere else.
  'accountNumber',
  '*.accountNumber',
  '*.*.accountNumber',
  'holderKana',
  '*.holderKana',
  'phoneNumber',
  '*.phoneNumber',
  'req.headers.authorization',
  'req.headers.cookie',
];

export function createLogger(
  options: { level?: string; name?: string } = {},
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      name: options.name ?? 'tsunagi',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: undefined,
    },
    destination,
  );
}

export type { Logger };
