import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { LegalBasisPolicy } from '../../core/policy/table.js';
import type { CodeRegistry } from '../../identity/code-registry.js';
import type { KeyRing } from '../../identity/keys.js';
import type { Vault } from '../../identity/vault.js';
import { createLedgerCommands } from '../../ledger/commands.js';
import { followLedger, storeLedgerLog } from '../../ledger/kafka.js';
import { createLedgerView } from '../../ledger/view.js';
import { createInboxView, createNoticeDeclines } from '../../notices/inbox.js';
import type { EventStore } from '../../platform/event-store.js';
import { followTopic } from '../../platform/follow-topic.js';
import type { Logger } from '../../platform/logger.js';
import { Topics } from '../../schemas/topics.js';
import type { DisclosureRecorder } from '../../trail/recorder.js';
import type { PushDeps } from '../routes/push.js';
import { createLinkingService } from './linking-service.js';

/**
 * The gateway's part of push-type administration, wired on Kafka: the linking service, the ledger
 * (followed from `resident-ledger`, written by the resident's commands) and the notice inbox
 * (followed from `notices`, "not interested" appended there). Resolves once both views caught up.
 */
export async function startGatewayPush(deps: {
  store: Pick<EventStore, 'append' | 'follow'>;
  vaultKeys: KeyRing;
  policy: { current(): LegalBasisPolicy };
  identity: { vault: Pick<Vault, 'lookup'>; codes: Pick<CodeRegistry, 'issueAgencyCode'> };
  recorder: Pick<DisclosureRecorder, 'record'>;
  clock: Clock;
  logger: Logger;
  linksPerMinute: number;
}): Promise<{
  push: PushDeps;
  publicMoneyAccount: NonNullable<import('../ports.js').InquiryReadModel['publicMoneyAccount']>;
  close(): Promise<void>;
}> {
  const { store, clock } = deps;
  const ledgerView = createLedgerView(deps.vaultKeys);
  const inboxView = createInboxView();
  const [ledgerFollow, inboxFollow] = await Promise.all([
    followLedger({ store, view: ledgerView, groupPrefix: 'gateway-ledger-' }),
    followTopic({
      store,
      topic: Topics.notices,
      groupPrefix: 'gateway-notices-',
      onEvent: (event) => inboxView.apply(event),
    }),
  ]);
  return {
    push: {
      linking: createLinkingService({ ...deps, ...deps.identity, ids: randomUUID }),
      linksPerMinute: deps.linksPerMinute,
      ledger: {
        view: ledgerView,
        commands: createLedgerCommands({
          log: storeLedgerLog(store),
          view: ledgerView,
          keys: deps.vaultKeys,
          clock,
          ids: randomUUID,
        }),
      },
      inbox: {
        view: inboxView,
        decline: createNoticeDeclines({ view: inboxView, publisher: store, clock, ids: randomUUID }),
      },
    },
    publicMoneyAccount: (linkageId) => ledgerView.read(linkageId, 'PUBLIC_MONEY_ACCOUNT')?.value,
    async close() {
      await Promise.allSettled([ledgerFollow.stop(), inboxFollow.stop()]);
    },
  };
}
