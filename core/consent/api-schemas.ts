import { z } from 'zod';
import { DATE_BOUNDS_MESSAGE, isInstantInBounds } from '../dates.js';
import { DisclosableItem } from '../items.js';
import { AgencyId, OfficeWork } from '../policy/vocabulary.js';
import { consentStatus } from './check.js';
import type { ConsentCommand } from './decider.js';
import { type Consent, REVOCATION_REASONS } from './types.js';

/**
 * Request and response bodies of the resident consent API, for the gateway's routes.
 * Instants travel as ISO-8601 with an offset; the linkage id never appears in a body.
 */

const Instant = z.iso
  .datetime({ offset: true, error: 'must be an ISO-8601 date-time with offset', abort: true })
  .refine((value) => isInstantInBounds(new Date(value)), DATE_BOUNDS_MESSAGE);

export const GrantConsentBody = z
  .strictObject({
    recipient: AgencyId,
    purpose: OfficeWork,
    items: z
      .array(DisclosableItem)
      .min(1, { error: 'name at least one item' })
      .refine((items) => new Set(items).size === items.length, { error: 'items must not repeat' }),
    validFrom: Instant,
    validUntil: Instant,
    maxUses: z.int().min(1).max(2_147_483_647).nullable(),
  })
  .refine((body) => Date.parse(body.validUntil) > Date.parse(body.validFrom), {
    error: 'validUntil must be after validFrom',
    path: ['validUntil'],
  });
export type GrantConsentBody = z.infer<typeof GrantConsentBody>;

export const RevokeConsentBody = z.strictObject({
  reason: z.enum(REVOCATION_REASONS).default('RESIDENT_REQUEST'),
});
export type RevokeConsentBody = z.infer<typeof RevokeConsentBody>;

export const ConsentIdParams = z.strictObject({
  consentId: z.string().regex(/^[A-Za-z0-9_-]{8,128}$/, { error: 'must be a consent id' }),
});

export const ConsentView = z.object({
  consentId: z.string(),
  recipient: z.string(),
  purpose: z.string(),
  items: z.array(DisclosableItem),
  validFrom: z.string(),
  validUntil: z.string(),
  maxUses: z.int().nullable(),
  uses: z.int(),
  status: z.enum(['ACTIVE', 'REVOKED', 'EXPIRED']),
  grantedAt: z.string(),
  revokedAt: z.string().nullable(),
  revocationReason: z.string().nullable(),
});
export type ConsentView = z.infer<typeof ConsentView>;

/** What a resident sees of a consent at `at` (status derived then). No linkage id. */
export const toConsentView = (consent: Consent, at: Date): ConsentView => ({
  consentId: consent.consentId,
  recipient: consent.recipient,
  purpose: consent.purpose,
  items: [...consent.items],
  validFrom: consent.validFrom.toISOString(),
  validUntil: consent.validUntil.toISOString(),
  maxUses: consent.maxUses,
  uses: consent.uses,
  status: consentStatus(consent, at),
  grantedAt: consent.grantedAt.toISOString(),
  revokedAt: consent.revoked?.at.toISOString() ?? null,
  revocationReason: consent.revoked?.reason ?? null,
});

/** The GrantConsent command for a validated body; ids, the resident and the time come from the edge. */
export const toGrantCommand = (
  body: GrantConsentBody,
  edge: { consentId: string; linkageId: string; at: Date; channel: string | null },
): Extract<ConsentCommand, { type: 'GrantConsent' }> => ({
  type: 'GrantConsent',
  at: edge.at,
  consentId: edge.consentId,
  linkageId: edge.linkageId,
  channel: edge.channel,
  recipient: body.recipient,
  purpose: body.purpose,
  items: body.items,
  validFrom: new Date(body.validFrom),
  validUntil: new Date(body.validUntil),
  maxUses: body.maxUses,
});
