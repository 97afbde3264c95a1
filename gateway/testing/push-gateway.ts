import { randomBytes } from 'node:crypto';
import { systemClock } from '../../core/clock.js';
import type { LinkageId } from '../../identity/linkage-id.js';
import { createTestHub, type TestHub } from '../../identity/testing/hub.js';
import { testMyNumber } from '../../identity/testing/my-numbers.js';
import type { InfraConfig } from '../../platform/config.js';
import { createEventWire, type EventWire } from '../../platform/event-wire.js';
import { createLogger, type Logger } from '../../platform/logger.js';
import { BUNDLED_POLICY_PATH, createPolicyStore } from '../../policy/index.js';
import { Topics, topicName } from '../../schemas/topics.js';
import { testKafka, testStore } from '../../tests/support/infra.js';
import { isolatedTopics } from '../../tests/support/topics.js';
import { createDisclosureRecorder } from '../../trail/recorder.js';
import { createGatewayMetrics } from '../metrics.js';
import type { InquiryReadModel } from '../ports.js';
import { startGatewayPush } from '../push/wiring.js';
import { createSessionTokens, SESSION_SERVICE_ID } from '../resident/session-token.js';
import { createSecurityAudit } from '../security-audit.js';
import { kafkaSecurityEventLog } from '../security-event-log.js';
import { seededReadModel, startTestGateway } from './test-gateway.js';
import { type AgencyPki, createAgencyPki } from './tls.js';

/**
 * Test-only: a gateway with push-type administration (linking, ledger, inbox) on topics of its own
 * prefix (`isolatedTopics`), the security audit on them too, resident sessions, a test identity hub
 * and one seeded resident (seededReadModel). Log lines (debug) are kept for privacy scans.
 */
export async function startPushGateway(
  name: string,
  options: { linksPerMinute?: number; config?: InfraConfig; hub?: TestHub } = {},
) {
  const config: InfraConfig = options.config ?? (await isolatedTopics(name));
  const kafka = testKafka(config);
  const wire: EventWire = createEventWire(config);
  const logLines: string[] = [];
  const logger: Logger = createLogger(
    { name, level: 'debug' },
    { write: (line: string) => logLines.push(line) },
  );
  const pki: AgencyPki = await createAgencyPki();
  const hub: TestHub = options.hub ?? createTestHub();
  const clock = systemClock;
  const policy = await createPolicyStore({ path: BUNDLED_POLICY_PATH, logger });
  const trailTopic = topicName(config.TOPIC_PREFIX, Topics.accessTrail);
  const store = testStore(config);
  const recorder = createDisclosureRecorder({ store, logger });
  const push = await startGatewayPush({
    store,
    vaultKeys: hub.vaultKeys,
    policy,
    identity: hub,
    recorder,
    clock,
    logger,
    linksPerMinute: options.linksPerMinute ?? 1_000,
  });
  const metrics = createGatewayMetrics();
  const audit = kafkaSecurityEventLog({ store });
  const securityAudit = createSecurityAudit({
    log: audit,
    clock,
    ids: () => randomBytes(8).toString('hex'),
    logger,
    addressKey: randomBytes(32),
    metrics: { recorded: metrics.securityEvents, dropped: metrics.securityEventsDropped },
  });
  const sessions = createSessionTokens({ key: randomBytes(32), clock });
  /** The resident every test can inquire about: a Chiyoda resident who came from Osaka. */
  const resident = (await hub.vault.enrol(TEST_RESIDENT_MY_NUMBER)) as LinkageId;
  const seeded = seededReadModel(resident);
  const readModel: InquiryReadModel = { ...seeded, publicMoneyAccount: push.publicMoneyAccount };
  const gateway = await startTestGateway({
    kafka,
    wire,
    logger,
    pki,
    trailTopic,
    consentsTopic: topicName(config.TOPIC_PREFIX, Topics.consents),
    residents: hub.codes,
    readModel,
    residentSessions: sessions,
    push: push.push,
    securityAudit,
  });
  return {
    config,
    kafka,
    wire,
    pki,
    hub,
    resident,
    logLines,
    url: gateway.url,
    /** A session token for the resident, as sign-in would issue it. */
    async sessionOf(linkageId: LinkageId): Promise<string> {
      return sessions.issue(await hub.codes.ppidFor(SESSION_SERVICE_ID, linkageId)).token;
    },
    topic: (suffix: string) => topicName(config.TOPIC_PREFIX, suffix),
    async close() {
      await gateway.close();
      await Promise.allSettled([push.close(), recorder.close(), securityAudit.close()]);
      await store.close();
      policy.close();
      if (!options.hub) await hub.close();
    },
  };
}

/** The seeded resident's My Number: test data only. */
export const TEST_RESIDENT_MY_NUMBER = testMyNumber('push-gateway', 0);
