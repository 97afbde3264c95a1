import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../core/clock.js';
import { agencyName } from '../../core/directory/agencies.js';
import {
  CHANNEL_LABELS,
  ITEM_LABELS,
  labelOf,
  OFFICE_WORK_LABELS,
  OUTCOME_LABELS,
} from '../../core/directory/labels.js';
import { legalDateOf } from '../../core/policy/vocabulary.js';
import type { TrailEntry, TrailPage } from '../../projections/access-trail.js';
import type { TrailSubjectKeys } from '../../trail/log/public-entry.js';
import type { TrailLogReader } from '../../trail/log/reader.js';
import { toBase64 } from '../../trail/log/verifier/bytes.js';
import { inclusionProofToJson } from '../../trail/log/verifier/proof-json.js';
import { ErrorBody } from '../errors.js';
import type { ResidentResolver } from '../ports.js';
import { requireResidentSession, signedInResident } from '../resident/resident-session.js';
import type { SessionTokens } from '../resident/session-token.js';
import { InclusionProofBody } from './trail-log.js';

export interface ResidentHistoryOptions {
  sessions: SessionTokens;
  residents: ResidentResolver;
  /** The projector's per-resident trail index (ProjectionViews.trailOf): newest first, paged. */
  trailOf(linkageId: string, page: { limit?: number; before?: string }): TrailPage;
  trailLog: TrailLogReader;
  subjects: TrailSubjectKeys;
  verifierKey: () => string;
  clock: Clock;
}

const LegalDate = z.iso.date();
const named = z.object({ id: z.string(), ja: z.string(), en: z.string() });
const labelled = z.object({ code: z.string(), ja: z.string(), en: z.string() });

const HistoryQuery = z.strictObject({
  from: LegalDate.optional().describe('first day (JST) to include'),
  to: LegalDate.optional().describe('last day (JST) to include'),
  agency: z.string().max(64).optional().describe('only this requester (agency id or municipality code)'),
  item: z.string().max(64).optional().describe('only this information item'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  before: z
    .string()
    .regex(/^[0-9/]{1,64}$/, { error: 'must be a nextBefore cursor' })
    .optional()
    .describe('the previous page’s nextBefore'),
});

const HistoryEntry = z.object({
  eventId: z.string(),
  /** The log index (the trail offset); null when the trail was not single-partition when recorded. */
  index: z.int().nullable(),
  recordedAt: z.string(),
  agency: named,
  provider: named,
  item: labelled,
  officeWork: labelled,
  legalBasisRowId: z.string().nullable(),
  channel: labelled,
  outcome: labelled,
  refusalReason: z.string().nullable(),
  /** Set when the entry was hidden from the resident until this day (an investigation), now past. */
  nonDisclosureUntil: z.string().nullable(),
  /** The public entry bytes (base64) the log's leaf hashes; null until the log integrated it. */
  entry: z.string().nullable(),
  /** Inclusion in the tree of `checkpoint`; null until a checkpoint covers the entry. */
  proof: InclusionProofBody.nullable(),
});

const HistoryAnswer = z.object({
  entries: z.array(HistoryEntry),
  nextBefore: z.string().nullable(),
  /** The signed checkpoint every proof of this page is for (note text); null before the first. */
  checkpoint: z.string().nullable(),
  verifierKey: z.string(),
  /** The resident's trail key (base64): each entry's `subject` is HMAC-SHA-256 under it of its event id. */
  residentKey: z.string(),
});

const PAGE = 100;
const MAX_SCANNED = 2_000;

/**
 * `GET /v1/resident/history`: the signed-in resident's access trail, newest first: every inquiry,
 * subscription delivery and self-information access about them, refusals included, each with its
 * public entry and inclusion proof so the page can check it against the signed checkpoint.
 * Entries under a non-disclosure embargo are left out until their day (JST) comes, without a trace
 * of their existence. The resident is the session's PPID: no resident can name another.
 */
export const residentHistoryRoutes: FastifyPluginAsyncZod<ResidentHistoryOptions> = async (app, options) => {
  app.addHook('onRequest', requireResidentSession(options.sessions));
  const { trailLog, clock } = options;

  app.get(
    '/v1/resident/history',
    {
      schema: {
        summary: 'The signed-in resident’s access history (newest first), with proofs',
        tags: ['resident'],
        security: [{ residentSession: [] }],
        querystring: HistoryQuery,
        response: {
          200: HistoryAnswer,
          400: ErrorBody,
          401: ErrorBody,
          404: ErrorBody,
          429: ErrorBody,
          503: ErrorBody,
        },
      },
    },
    async (request) => {
      const linkageId = await signedInResident(options.residents, request);
      const query = request.query;
      const today = legalDateOf(clock.now());
      const wanted = (entry: TrailEntry): 'take' | 'skip' | 'stop' => {
        const day = legalDateOf(entry.recordedAt);
        if (query.from !== undefined && day < query.from) return 'stop';
        if (entry.nonDisclosureUntil !== null && today < entry.nonDisclosureUntil) return 'skip';
        if (query.to !== undefined && day > query.to) return 'skip';
        if (query.agency !== undefined && entry.requester !== query.agency) return 'skip';
        if (query.item !== undefined && entry.itemKind !== query.item) return 'skip';
        return 'take';
      };
      const found: TrailEntry[] = [];
      let before = query.before;
      let scanned = 0;
      let more = true;
      scan: while (more && found.length < query.limit && scanned < MAX_SCANNED) {
        const page = options.trailOf(linkageId, { limit: PAGE, ...(before === undefined ? {} : { before }) });
        for (const entry of page.entries) {
          scanned += 1;
          before = entry.cursor;
          const verdict = wanted(entry);
          if (verdict === 'stop') {
            more = false;
            break scan;
          }
          if (verdict === 'take') found.push(entry);
          if (found.length === query.limit || scanned === MAX_SCANNED) break scan;
        }
        more = page.nextBefore !== null;
      }
      const checkpoint = trailLog.checkpoint();
      return {
        entries: found.map((entry) => historyEntry(entry, trailLog, checkpoint?.size ?? 0)),
        nextBefore: more ? (before ?? null) : null,
        checkpoint: checkpoint?.note ?? null,
        verifierKey: options.verifierKey(),
        residentKey: toBase64(options.subjects.residentKey(linkageId)),
      };
    },
  );
};

function historyEntry(entry: TrailEntry, trailLog: TrailLogReader, checkpointSize: number) {
  const index = entry.position.partition === 0 ? Number(entry.position.offset) : null;
  const bytes = index === null ? undefined : trailLog.entry(index);
  const provable = index !== null && bytes !== undefined && index < checkpointSize;
  const label = (labels: Parameters<typeof labelOf>[0], code: string) => ({ code, ...labelOf(labels, code) });
  return {
    eventId: entry.eventId,
    index,
    recordedAt: entry.recordedAt.toISOString(),
    agency: agencyName(entry.requester),
    provider: agencyName(entry.provider),
    item: label(ITEM_LABELS, entry.itemKind),
    officeWork: label(OFFICE_WORK_LABELS, entry.officeWork),
    legalBasisRowId: entry.legalBasisRowId,
    channel: label(CHANNEL_LABELS, entry.channel),
    outcome: label(OUTCOME_LABELS, entry.outcome),
    refusalReason: entry.refusalReason,
    nonDisclosureUntil: entry.nonDisclosureUntil,
    entry: bytes === undefined ? null : toBase64(bytes),
    proof: provable ? inclusionProofToJson(trailLog.prover().inclusion(index, checkpointSize)) : null,
  };
}
