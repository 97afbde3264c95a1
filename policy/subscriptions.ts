import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { z } from 'zod';
import { TsunagiError } from '../core/errors.js';
import { DisclosableItem } from '../core/items.js';
import {
  AgencyId,
  ANY_MUNICIPALITY,
  isMunicipality,
  type LegalBasisPolicy,
  OfficeWork,
  PREVIOUS_RESIDENCE_MUNICIPALITY,
} from '../core/policy/index.js';
import { createTableStore, type TableStore } from './table-store.js';

/**
 * What each agency subscribes to, as data (docs/subscriptions.md). A subscription is a standing
 * request: it says what an agency wants to hear about; the legal-basis table decides, per event,
 * whether it may. Validation is pure; reading the file is `loadSubscriptionsFile`.
 */
export const BUNDLED_SUBSCRIPTIONS_PATH = new URL('./subscriptions/subscriptions.v1.json', import.meta.url);

/** Same words as the table's provider column: an agency id, a municipality code or a pattern. */
const ProviderPattern = z.union([
  z.literal(ANY_MUNICIPALITY),
  z.literal(PREVIOUS_RESIDENCE_MUNICIPALITY),
  AgencyId,
]);

export const Subscription = z.strictObject({
  agencyId: AgencyId,
  officeWork: OfficeWork,
  items: z.array(DisclosableItem).min(1),
  /** Narrows the providers the agency hears from; absent means whoever the table permits. */
  providers: z.array(ProviderPattern).min(1).optional(),
  note: z.string().max(200).optional(),
});
export type Subscription = z.infer<typeof Subscription>;

export const SubscriptionsFile = z.strictObject({
  version: z.literal(1),
  revision: z.string().min(1).max(40),
  subscriptions: z.array(Subscription),
});
export type SubscriptionsFile = z.infer<typeof SubscriptionsFile>;

/** Throws CONFIG_INVALID naming the first problem's path (never a value). */
export function parseSubscriptions(input: unknown, source = 'subscriptions'): SubscriptionsFile {
  const parsed = SubscriptionsFile.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  throw new TsunagiError('CONFIG_INVALID', `${source} is invalid at ${path || '(root)'}: ${issue?.message}`, {
    path,
  });
}

export async function loadSubscriptionsFile(path: string | URL): Promise<SubscriptionsFile> {
  const source = typeof path === 'string' ? path : path.pathname;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new TsunagiError('CONFIG_INVALID', `subscriptions file ${source} cannot be read as JSON`, {
      path: source,
      cause,
    });
  }
  return parseSubscriptions(json, `subscriptions file ${source}`);
}

/**
 * The subscriptions in force, swapped whole when the file changes (policy/table-store.ts): the service
 * reads `current()` per delivery round, so a changed file applies from the next round without a
 * restart; an invalid file is refused (logged, CONFIG_INVALID) and the previous subscriptions stay.
 */
export function createSubscriptionsStore(options: {
  path: string | URL;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  watch?: boolean;
  debounceMs?: number;
}): Promise<TableStore<SubscriptionsFile>> {
  return createTableStore({
    ...options,
    what: 'subscriptions',
    load: loadSubscriptionsFile,
    summary: (file) => ({ subscriptions: file.subscriptions.length }),
  });
}

/** Does a provider pattern (subscription or table wording) name this provider? */
export function providerPatternMatches(
  pattern: string,
  provider: string,
  previousResidenceMunicipality: string | null,
): boolean {
  if (pattern === ANY_MUNICIPALITY) return isMunicipality(provider);
  if (pattern === PREVIOUS_RESIDENCE_MUNICIPALITY)
    return isMunicipality(provider) && provider === previousResidenceMunicipality;
  return pattern === provider;
}

/**
 * Subscription items no table row could ever permit (no row for the agency, office work and item):
 * worth a warning at start, since they will never deliver anything.
 */
export function itemsWithoutBasis(
  subscriptions: readonly Subscription[],
  policy: LegalBasisPolicy,
): Array<{ agencyId: string; officeWork: string; item: string }> {
  return subscriptions.flatMap((s) =>
    s.items
      .filter(
        (item) =>
          !policy.rows.some(
            (row) =>
              row.officeWork === s.officeWork &&
              row.item === item &&
              (row.requester === s.agencyId ||
                (row.requester === ANY_MUNICIPALITY && isMunicipality(s.agencyId))),
          ),
      )
      .map((item) => ({ agencyId: s.agencyId, officeWork: s.officeWork, item })),
  );
}
