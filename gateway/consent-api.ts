import { z } from 'zod';
import { ConsentView } from '../core/consent/api-schemas.js';
import { ErrorBody } from './errors.js';

/**
 * The HTTP schemas both consent route sets share (the portal's under /v1/residents/{ppid}, the
 * signed-in resident's under /v1/resident): bodies and views come from core/consent.
 */
export {
  ConsentIdParams,
  ConsentView,
  GrantConsentBody,
  RevokeConsentBody,
  toConsentView,
} from '../core/consent/api-schemas.js';

export const ConsentList = z.object({ consents: z.array(ConsentView) });

export const consentErrors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  429: ErrorBody,
  500: ErrorBody,
  503: ErrorBody,
};

/**
 * `Idempotency-Key` on consent commands: a client's own key for one grant or revocation. Retrying
 * with the same key records nothing new and answers the same consent (docs/gateway.md).
 */
export const IdempotencyHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .regex(/^[A-Za-z0-9._:-]{8,128}$/, { error: 'must be 8-128 letters, digits or . _ : -' })
    .optional(),
});
