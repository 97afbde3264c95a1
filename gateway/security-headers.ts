import type { FastifyInstance } from 'fastify';

/**
 * Headers on every answer of the API (OWASP REST security): answers may carry personal data, so
 * nothing may cache them; HTTPS only, for a year, subdomains included; no MIME sniffing; no
 * referrer leaving with a URL (URLs can carry PPIDs); never framed; nothing loaded by a JSON answer.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * The one place response security headers are set: an onSend hook on the root instance, so it runs
 * for every answer, errors and 404s included. A route (or plugin) that needs its own value, e.g. a
 * web page's Content-Security-Policy, sets that header itself and keeps it: a header already set is
 * never overwritten. Extra headers for every answer can be passed here.
 */
export function installSecurityHeaders(
  app: FastifyInstance,
  extra: Readonly<Record<string, string>> = {},
): void {
  const headers = Object.entries({ ...SECURITY_HEADERS, ...extra });
  // A callback hook, not an async one: no promise per answer on the hot path.
  app.addHook('onSend', (_request, reply, payload, done) => {
    for (const [name, value] of headers) if (!reply.hasHeader(name)) void reply.header(name, value);
    done(null, payload);
  });
}
