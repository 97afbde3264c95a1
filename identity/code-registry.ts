import type { Clock } from '../core/clock.js';
import { TsunagiError } from '../core/errors.js';
import { type Result, refuse } from '../core/result.js';
import type { Logger } from '../platform/logger.js';
import { codeKey, codeMapView, codeSealContext } from './code-view.js';
import { type AgencyCode, deriveCode, HolderId, type Ppid, parseCode } from './codes.js';
import { type AgencyCodeIssued, type AgencyCodeLog, appendToLog, type CodeKind } from './event-log.js';
import { type IdentityStore, storeWrite } from './identity-store.js';
import { type KeyRing, versionsNewestFirst } from './keys.js';
import { isLinkageId, type LinkageId } from './linkage-id.js';
import { seal, unseal } from './sealing.js';

export interface CodeRegistryDeps {
  store: IdentityStore;
  log: AgencyCodeLog;
  /** TSUNAGI_HUB_KEYS: makes codes and PPIDs. */
  hubKeys: KeyRing;
  /** TSUNAGI_VAULT_KEYS: seals the linkage id in events and rows. */
  vaultKeys: KeyRing;
  clock: Clock;
  logger: Logger;
}

/** CODE_MALFORMED: not a code of the expected kind; CODE_UNKNOWN: never issued to this holder. */
export type CodeRefusal = 'CODE_MALFORMED' | 'CODE_UNKNOWN';

/**
 * Agency codes and PPIDs, issued and resolved in the hub only. Guarantees: a holder gets one code per
 * resident, forever (key rotation included: a code stays what it was, new residents get codes under the
 * current version); a newly issued code is returned only after its AgencyCodeIssued event was
 * acknowledged by the log (acks=all); the reverse index can be rebuilt from those events.
 */
export interface CodeRegistry {
  issueAgencyCode(agencyId: string, linkageId: LinkageId): Promise<AgencyCode>;
  resolveAgencyCode(
    agencyId: string,
    agencyCode: string,
  ): Promise<Result<{ linkageId: LinkageId }, CodeRefusal>>;
  /** From one agency's code to another's, issuing the target's code if it is the first time. */
  convertCode(
    fromAgency: string,
    agencyCode: string,
    toAgency: string,
  ): Promise<Result<{ agencyCode: AgencyCode }, CodeRefusal>>;
  ppidFor(serviceId: string, linkageId: LinkageId): Promise<Ppid>;
  resolvePpid(serviceId: string, ppid: string): Promise<Result<{ linkageId: LinkageId }, CodeRefusal>>;
  rebuildFromLog(): Promise<{ entries: number; codes: number }>;
}

const holder = (value: string, path: string): string => {
  if (!HolderId.safeParse(value).success)
    throw new TsunagiError('INPUT_INVALID', `${path} is not a valid id`, { path });
  return value;
};

/** The code map's rows do not depend on where their event sits in the log. */
const NO_POSITION = { topic: '', partition: 0, offset: '0' };

export function createCodeRegistry(deps: CodeRegistryDeps): CodeRegistry {
  const { store, log, hubKeys, vaultKeys, clock, logger } = deps;

  const issue = async (kind: CodeKind, holderInput: string, linkageId: LinkageId): Promise<string> => {
    const holderId = holder(holderInput, kind === 'AGENCY_CODE' ? 'agencyId' : 'serviceId');
    if (!isLinkageId(linkageId))
      throw new TsunagiError('INPUT_INVALID', 'not a linkage id', { path: 'linkageId' });
    // The oldest version first: the code first issued stays the code.
    for (const version of versionsNewestFirst(hubKeys).reverse()) {
      const candidate = deriveCode(hubKeys, kind, version, holderId, linkageId);
      if (store.codes.get(codeKey(kind, holderId, candidate))) return candidate;
    }
    const code = deriveCode(hubKeys, kind, hubKeys.current, holderId, linkageId);
    const sealed = seal(vaultKeys, linkageId, codeSealContext(kind, holderId, code));
    const event: AgencyCodeIssued = {
      codeKind: kind,
      agencyId: holderId,
      agencyCode: code,
      keyVersion: hubKeys.current,
      sealedLinkageId: sealed.ciphertext,
      nonce: sealed.nonce,
      sealKeyVersion: sealed.keyVersion,
      issuedAt: clock.now().getTime(),
    };
    await appendToLog(log, event, 'the code issue');
    await apply(event);
    logger.info({ codeKind: kind, holderId, keyVersion: event.keyVersion }, 'code issued');
    return code;
  };

  const apply = async (event: AgencyCodeIssued): Promise<void> => {
    const key = codeMapView.keyOf(event, NO_POSITION) as string;
    const row = store.codes.get(key);
    const next = codeMapView.evolve(row, event, NO_POSITION);
    if (next && next !== row) await storeWrite('code issued', () => store.codes.put(key, next));
  };

  const resolve = async (
    kind: CodeKind,
    holderId: string,
    code: string,
  ): Promise<Result<{ linkageId: LinkageId }, CodeRefusal>> => {
    if (parseCode(code)?.kind !== kind) return refuse('CODE_MALFORMED');
    if (!HolderId.safeParse(holderId).success) return refuse('CODE_UNKNOWN');
    const row = store.codes.get(codeKey(kind, holderId, code));
    if (!row) return refuse('CODE_UNKNOWN');
    const linkageId = unseal(
      vaultKeys,
      {
        ciphertext: Buffer.from(row.sealedLinkageId),
        nonce: Buffer.from(row.nonce),
        keyVersion: row.sealKeyVersion,
      },
      codeSealContext(kind, holderId, code),
    );
    if (!isLinkageId(linkageId)) throw new TsunagiError('INTERNAL', 'a code row holds no linkage id');
    return { ok: true, linkageId };
  };

  return {
    issueAgencyCode: async (agencyId, linkageId) =>
      (await issue('AGENCY_CODE', agencyId, linkageId)) as AgencyCode,
    resolveAgencyCode: (agencyId, code) => resolve('AGENCY_CODE', agencyId, code),
    async convertCode(fromAgency, code, toAgency) {
      const from = await resolve('AGENCY_CODE', fromAgency, code);
      if (!from.ok) return from;
      return { ok: true, agencyCode: (await issue('AGENCY_CODE', toAgency, from.linkageId)) as AgencyCode };
    },
    ppidFor: async (serviceId, linkageId) => (await issue('PPID', serviceId, linkageId)) as Ppid,
    resolvePpid: (serviceId, ppid) => resolve('PPID', serviceId, ppid),
    async rebuildFromLog() {
      await storeWrite('clear codes', () => store.codes.clearAsync());
      let entries = 0;
      await log.replay(async (event) => {
        entries++;
        await apply(event);
      });
      const codes = store.codes.getKeysCount();
      logger.info({ entries, codes }, 'code map rebuilt from the agency code log');
      return { entries, codes };
    },
  };
}
