import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ACCOUNT_TYPES,
  maskAccount,
  maskContact,
  NoticeContact,
  PublicMoneyAccount,
} from '../../core/ledger/entries.js';
import type { LedgerCommands } from '../../ledger/commands.js';
import type { LedgerEntry, LedgerValues } from '../../ledger/seal.js';
import type { LedgerView } from '../../ledger/view.js';
import { ErrorBody } from '../errors.js';
import type { ResidentResolver } from '../ports.js';
import { requireResidentSession, signedInResident } from '../resident/resident-session.js';
import type { SessionTokens } from '../resident/session-token.js';

export interface LedgerRoutesOptions {
  sessions: SessionTokens;
  residents: Pick<ResidentResolver, 'resolvePpid'>;
  ledger: { commands: LedgerCommands; view: LedgerView };
}

const MaskedAccount = z.object({
  bankCode: z.string(),
  branchCode: z.string(),
  accountType: z.enum(ACCOUNT_TYPES),
  /** Only the account number's last three digits come back, even to the resident. */
  accountNumberEnd: z.string(),
  holderKana: z.string(),
});
const MaskedContact = z.object({ kind: z.enum(['MOBILE', 'EMAIL']), masked: z.string() });

/** Each ledger entry: its URL, what the resident sends, and what they see back. */
const ENTRIES = [
  {
    path: 'account',
    entry: 'PUBLIC_MONEY_ACCOUNT',
    body: PublicMoneyAccount,
    shown: MaskedAccount,
    show: maskAccount,
  },
  { path: 'contact', entry: 'NOTICE_CONTACT', body: NoticeContact, shown: MaskedContact, show: maskContact },
] as const;

const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 429: ErrorBody };
const bearer = { security: [{ residentSession: [] }] };

/**
 * The signed-in resident's ledger (docs/linking.md "The resident's ledger"): the public-money
 * receiving account and the contact for notices, each read (masked), registered or replaced (PUT,
 * validated field by field) and removed (DELETE, idempotent). Stored only sealed (ledger/).
 */
export const ledgerRoutes: FastifyPluginAsync<LedgerRoutesOptions> = async (app, options) => {
  app.addHook('onRequest', requireResidentSession(options.sessions));
  const { commands, view } = options.ledger;
  const routes = app.withTypeProvider<ZodTypeProvider>();

  for (const { path, entry, body, shown, show } of ENTRIES) {
    const url = `/v1/resident/${path}`;
    const answer = z.object({ [path]: shown.nullable() });
    const read = (linkageId: string): z.output<typeof answer> => {
      const found = view.read(linkageId, entry as LedgerEntry);
      return { [path]: found ? (show as (v: unknown) => z.output<typeof shown>)(found.value) : null };
    };
    routes.get(
      url,
      {
        schema: {
          summary: `The signed-in resident's ${path} (masked)`,
          tags: ['resident'],
          response: { 200: answer, ...errors },
          ...bearer,
        },
      },
      async (request) => read(await signedInResident(options.residents, request)),
    );
    routes.put(
      url,
      {
        schema: {
          summary: `The signed-in resident registers or replaces their ${path}`,
          tags: ['resident'],
          body,
          response: { 200: answer, ...errors },
          ...bearer,
        },
      },
      async (request) => {
        const linkageId = await signedInResident(options.residents, request);
        await commands.register(linkageId, entry, request.body as LedgerValues[typeof entry], request.id);
        return read(linkageId);
      },
    );
    routes.delete(
      url,
      {
        schema: {
          summary: `The signed-in resident removes their ${path} (nothing to remove is no error)`,
          tags: ['resident'],
          response: { 204: z.undefined(), ...errors },
          ...bearer,
        },
      },
      async (request, reply) => {
        await commands.remove(await signedInResident(options.residents, request), entry, request.id);
        return reply.code(204).send();
      },
    );
  }
};
