import type { Socket } from 'node:net';
import type { ErrorCode } from '../core/errors.js';
import { refusalBody } from './errors.js';
import { safeReason } from './security-events.js';
import { SECURITY_HEADERS } from './security-headers.js';

/** A connection refused below HTTP routing: TLS, or an HTTP request that never became one. */
export interface ConnectionRefusal {
  kind: 'RENEGOTIATION_REFUSED' | 'CLIENT_TIMED_OUT' | 'MALFORMED_REQUEST' | 'HANDSHAKE_FAILED';
  reason: string;
  /** Set when an HTTP answer is written before closing. */
  answer?: { status: number; code: ErrorCode; message: string; path: string };
}

/** The peer went away (HPE_INVALID_EOF_STATE: it closed mid-request): nothing to refuse or audit. */
const GONE = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'ERR_STREAM_DESTROYED',
  'HPE_INVALID_EOF_STATE',
]);

/**
 * What a client error means, from node's error code. Pure. TLS errors close the connection without
 * an answer (there is no HTTP exchange to answer in); HTTP parse errors and timeouts get a JSON
 * answer. `undefined`: the peer is gone and there is nothing to do but close.
 */
export function connectionRefusal(
  code: string,
  limits: { maxHeaderBytes: number },
): ConnectionRefusal | undefined {
  if (GONE.has(code)) return undefined;
  switch (code) {
    case 'ERR_TLS_RENEGOTIATION_DISABLED':
    case 'ERR_TLS_SESSION_ATTACK':
      return { kind: 'RENEGOTIATION_REFUSED', reason: 'TLS_RENEGOTIATION_ATTEMPTED' };
    case 'ERR_TLS_HANDSHAKE_TIMEOUT':
      return { kind: 'CLIENT_TIMED_OUT', reason: 'TLS_HANDSHAKE_TIMEOUT' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        kind: 'CLIENT_TIMED_OUT',
        reason: 'REQUEST_NOT_RECEIVED_IN_TIME',
        answer: {
          status: 408,
          code: 'REQUEST_TIMEOUT',
          message: 'the request (headers and body) was not received in time; the connection is closed',
          path: 'request',
        },
      };
    case 'HPE_HEADER_OVERFLOW':
      return {
        kind: 'MALFORMED_REQUEST',
        reason: 'HEADERS_TOO_LARGE',
        answer: {
          status: 431,
          code: 'INPUT_INVALID',
          message: `request headers exceed ${limits.maxHeaderBytes} bytes`,
          path: 'headers',
        },
      };
  }
  if (code.startsWith('HPE_'))
    return {
      kind: 'MALFORMED_REQUEST',
      reason: safeReason(code),
      answer: { status: 400, code: 'INPUT_INVALID', message: 'malformed HTTP request', path: 'request' },
    };
  return { kind: 'HANDSHAKE_FAILED', reason: safeReason(code) };
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/**
 * fastify's `clientErrorHandler`: node calls it for TLS errors (https forwards tlsClientError),
 * renegotiation attempts, request timeouts and HTTP parse errors. Reports the refusal, answers when
 * there is an HTTP exchange to answer in and no answer has started (as node's own handler does), and
 * always closes the connection.
 */
export function createClientErrorHandler(
  limits: { maxHeaderBytes: number },
  report: (refusal: ConnectionRefusal, socket: Socket) => void,
) {
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    const refused = connectionRefusal(error.code ?? 'UNKNOWN', limits);
    if (refused) report(refused, socket);
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (refused?.answer && socket.writable && !inFlight?.headersSent) {
      const { status, code, message, path } = refused.answer;
      const body = JSON.stringify(refusalBody(code, message, path));
      const headers = {
        ...SECURITY_HEADERS,
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        connection: 'close',
      };
      const head = Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      // end() flushes the answer and closes; the timer bounds a peer that stops reading.
      socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\n${head}\r\n${body}`);
      setTimeout(() => socket.destroy(), 1_000).unref();
      return;
    }
    socket.destroy();
  };
}
