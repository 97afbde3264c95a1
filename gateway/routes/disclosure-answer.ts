import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { TsunagiError } from '../../core/errors.js';
import { type InquiryAnswer, RecordedRefusal } from '../api-schemas.js';
import type { DisclosureRequest, ItemAnswer } from '../disclosure-service.js';
import { ErrorBody, refusal, shownPath } from '../errors.js';
import type { CodeRefusal } from '../ports.js';

/** The answers of both disclosure routes (/v1/inquiries, /v1/self-information) beside the 200. */
export const disclosureErrors = {
  400: ErrorBody,
  401: ErrorBody,
  403: RecordedRefusal,
  404: RecordedRefusal.or(ErrorBody),
  429: ErrorBody,
  500: ErrorBody,
  503: ErrorBody,
};

/** A code or PPID that names no resident for this caller: 400 when malformed, else 404. */
export function unresolved(reason: CodeRefusal, path: string): TsunagiError {
  return reason === 'CODE_MALFORMED'
    ? new TsunagiError('INPUT_INVALID', `${path} is not a code issued to this agency`, { path })
    : new TsunagiError('IDENTITY_UNKNOWN', `no resident is known under this ${path}`, { path });
}

/**
 * Runs the disclosure and answers: 200 if anything was disclosed; else a 403 refusal if anything
 * was refused (its `reason` the first refused item's code); else 404. Every item was recorded in the
 * trail before this returns or throws; the refusals carry the inquiry id and the items as recorded.
 */
export async function answerDisclosure(
  app: FastifyInstance,
  request: FastifyRequest,
  disclosure: DisclosureRequest,
): Promise<z.input<typeof InquiryAnswer>> {
  let items: ItemAnswer[];
  try {
    items = await app.disclosures.disclose(disclosure);
  } catch (error) {
    if (error instanceof TsunagiError && error.code === 'TRAIL_UNAVAILABLE') app.metrics.trailFailures.inc();
    throw error;
  }
  for (const item of items)
    app.metrics.disclosures.inc({ channel: disclosure.channel, outcome: item.outcome });
  const inquiryId = disclosure.correlationId;
  if (items.some((item) => item.outcome === 'DISCLOSED')) return { inquiryId, items };
  const answer = { inquiryId, items };
  const refused = items.find((item) => item.outcome === 'REFUSED');
  if (refused) {
    throw refusal(
      new TsunagiError('FORBIDDEN', 'disclosure refused; the refusal was recorded', {
        path: shownPath(request),
      }),
      {
        reason: refused.reason ?? 'REFUSED',
        answer,
      },
    );
  }
  throw refusal(
    new TsunagiError('NOT_FOUND', 'no such item is held; recorded', { path: shownPath(request) }),
    {
      answer,
    },
  );
}
