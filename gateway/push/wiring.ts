import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Clock } from '../../core/clock.js';
import type { LegalBasisPolicy } from '../../core/policy/table.js';
import type { CodeRegistry } from '../../identity/code-registry.js';
import type { KeyRing } from '../../identity/keys.js';
import type { Vault } from '../../identity/vault.js';
import { createLedgerCommands } from '../../ledger/commands.js';
import { followLedger, publisherLedgerLog } from '../../ledger/kafka.js';
import { createLedgerView } from '../../ledger/view.js';
import { createInboxView, createNoticeDeclines } from '../../notices/inbox.js';
import type { EventWire } from '../../platform/event-wire.js';
import { followTopic } from '../../platform/follow-topic.js';
import type { Logger } from '../../platform/logger.js';
import { createEventPublisher } from '../../producers/publisher.js';
import { Topics, topicName } from '../../schemas/topics.js';
import type { DisclosureRecorder } from '../../trail/recorder.js';
import type { PushDeps } from '../routes/push.js';
import { createLinkingService } from './linking-service.js';

/**
 * The gateway's part of push-type administration, wired on Kafka: the linking service, the ledger
 * (followed from `resident-ledger`, written by the resident's commands) and the notice inbox
 * (followed from `notices`, "not interested" appended there). Resolves once both views caught up.
 */
export async function startGatewayPush(deps: {
  kafka: Kafka;
  wire: EventWire;
  topicPrefix: string;
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
  const { kafka, wire, topicPrefix, clock, logger } = deps;
  const publisher = createEventPublisher({ kafka, wire, topicPrefix, logger });
  const ledgerView = createLedgerView(deps.vaultKeys);
  const inboxView = createInboxView();
  const [ledgerFollow, inboxFollow] = await Promise.all([
    followLedger({
      kafka,
      wire,
      topic: topicName(topicPrefix, Topics.residentLedger),
      view: ledgerView,
      groupPrefix: 'gateway-ledger-',
      logger,
    }),
    followTopic({
      kafka,
      wire,
      topic: topicName(topicPrefix, Topics.notices),
      groupPrefix: 'gateway-notices-',
      onEvent: (event) => inboxView.apply(event),
      logger,
      what: 'notice',
    }),
  ]);
  return {
    push: {
      linking: createLinkingService({ ...deps, ...deps.identity, ids: randomUUID }),
      linksPerMinute: deps.linksPerMinute,
      ledger: {
        view: ledgerView,
        commands: createLedgerCommands({
          log: publisherLedgerLog(publisher),
          view: ledgerView,
          keys: deps.vaultKeys,
          clock,
          ids: randomUUID,
        }),
      },
      inbox: {
        view: inboxView,
        decline: createNoticeDeclines({ view: inboxView, publisher, clock, ids: randomUUID }),
      },
    },
    publicMoneyAccount: (linkageId) => ledgerView.read(linkageId, 'PUBLIC_MONEY_ACCOUNT')?.value,
    async close() {
      await Promise.allSettled([ledgerFollow.stop(), inboxFollow.stop(), publisher.close()]);
    },
  };
}
