import type { FastifyInstance } from 'fastify';
import { TsunagiError } from '../core/errors.js';

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const PARAMETER = new RegExp(`\\s*;\\s*(${TOKEN})=(${TOKEN}|"(?:[^"\\\\]|\\\\.)*")`, 'y');
const MEDIA_TYPE = new RegExp(`^\\s*${TOKEN}/${TOKEN}`, 'y');

/**
 * The charset a Content-Type declares (RFC 9110 §8.3.1: parameter names are case-insensitive,
 * values a token or a quoted string), or `undefined` when none. `ok: false` for a header that does
 * not parse or names the charset twice, since what the client meant is then unknown. Pure.
 */
export function declaredCharset(contentType: string): { ok: true; charset?: string } | { ok: false } {
  MEDIA_TYPE.lastIndex = 0;
  if (!MEDIA_TYPE.test(contentType)) return { ok: false };
  let at = MEDIA_TYPE.lastIndex;
  const charsets: string[] = [];
  while (at < contentType.length) {
    if (/^\s*;?\s*$/.test(contentType.slice(at))) break;
    PARAMETER.lastIndex = at;
    const match = PARAMETER.exec(contentType);
    if (!match) return { ok: false };
    const [, name = '', raw = ''] = match;
    if (name.toLowerCase() === 'charset')
      charsets.push(raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw);
    at = PARAMETER.lastIndex;
  }
  if (charsets.length > 1) return { ok: false };
  return charsets[0] === undefined ? { ok: true } : { ok: true, charset: charsets[0] };
}

/** JSON is UTF-8 (RFC 8259 §8.1): no charset, or `utf-8` in any case. */
export const isUtf8Json = (contentType: string): boolean => {
  const declared = declaredCharset(contentType);
  return declared.ok && (declared.charset === undefined || declared.charset.toLowerCase() === 'utf-8');
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The only request bodies the API reads: JSON in UTF-8. Any other media type is 415 (fastify's own
 * FST_ERR_CTP_INVALID_MEDIA_TYPE, mapped to MEDIA_TYPE_UNSUPPORTED), and so is JSON declared in
 * another charset; it is never decoded as UTF-8. Bytes that are not UTF-8 are 400, never replaced.
 * Prototype and constructor poisoning are refused as fastify's default JSON parser does.
 */
export function installJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    if (!isUtf8Json(request.headers['content-type'] ?? '')) {
      done(
        new TsunagiError(
          'MEDIA_TYPE_UNSUPPORTED',
          'a JSON body must be UTF-8: send no charset or charset=utf-8',
          {
            path: 'headers.content-type',
          },
        ),
        undefined,
      );
      return;
    }
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      done(new TsunagiError('INPUT_INVALID', 'the body is not valid UTF-8', { path: 'body' }), undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
