import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InfraConfig } from '../platform/config.js';
import { createKafka } from '../platform/kafka.js';
import { TOPIC_SPECS, Topics, topicName } from '../schemas/topics.js';
import { eventually } from '../tests/support/eventually.js';
import { testKafka, testLogger } from '../tests/support/infra.js';
import { fetchRefusal, readRefusal, writeRefusal } from '../tests/support/kafka-probes.js';
import { isolatedTopics } from '../tests/support/topics.js';
import { aclBindings, bindingKey, HUB_ROWS } from './acls.js';
import { kafkaAclTable } from './provision.js';
import { describeAclBindings, provisionAcls } from './provision-acls.js';

/**
 * The hub's own principals on a real broker: each may do what its rows of the ACL table grant and
 * nothing else, and the broker holds exactly the table (provisioning repairs drift).
 */
const logger = testLogger();
const suffix = randomBytes(3).toString('hex');
let config: InfraConfig;
let admin: ReturnType<Kafka['admin']>;
const topic = (name: string) => topicName(config.TOPIC_PREFIX, name);

const client = (principal: string) =>
  createKafka(config, logger, { principal, retry: { retries: 0 }, connectionTimeout: 2_000 });

/** A consumer group the principal may use, so a refusal can only come from the topic. */
const groupOf = (principal: string) =>
  `${HUB_ROWS.find((r) => r.principal === principal)?.grants.find((g) => g.resource === 'group')?.name}test`;

beforeAll(async () => {
  config = await isolatedTopics('kafka-rows');
  admin = testKafka(config).admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
});

describe("the hub's principals on Kafka, within their rows of the ACL table", () => {
  it.each([
    ['gateway', 'reads', Topics.identityEnrolments],
    ['gateway', 'reads', Topics.residentRecords],
    ['gateway', 'writes', Topics.residentRecords],
    ['projector', 'writes', Topics.residentRecords],
    ['ingest', 'reads', Topics.accessTrail],
    ['subscriptions', 'reads', Topics.consents],
    ['analytics', 'reads', Topics.identityEnrolments],
    ['jpki-revocations', 'writes', Topics.accessTrail],
  ])('refuses the %s principal when it %s %s, outside its rows', async (principal, action, name) => {
    const kafka = client(principal);
    const refusal =
      action === 'reads'
        ? await readRefusal(kafka, topic(name), groupOf(principal))
        : await writeRefusal(kafka, topic(name));
    expect(refusal).toBe('TOPIC_AUTHORIZATION_FAILED');
  });

  it('refuses a fetch where the principal may only write, and a group outside its prefixes', async () => {
    // ingest sees resident-records (DESCRIBE, to produce) but may not read it.
    expect(
      await fetchRefusal(
        client('ingest'),
        [topic(Topics.residentRecords)],
        `tsunagi-identity-replay-${suffix}`,
      ),
    ).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(
      await fetchRefusal(client('projector'), [topic(Topics.residentRecords)], `analytics-${suffix}`),
    ).toMatch(/GROUP_AUTHORIZATION_FAILED|KafkaJSGroupCoordinatorNotFound/);
  });

  const provisioned = new Set(TOPIC_SPECS.map((t) => t.name));
  it.each(HUB_ROWS.map((row) => [row.principal, row] as const))(
    'lets the %s principal read and write what its rows grant, with its own consumer groups',
    async (principal, row) => {
      const literal = row.grants.filter(
        (g) => g.resource === 'topic' && g.pattern === 'literal' && provisioned.has(g.name),
      );
      const kafka = client(principal);
      for (const grant of literal.filter((g) => g.operations.includes('WRITE')))
        expect(await writeRefusal(kafka, topic(grant.name)), grant.name).toBeUndefined();
      const readable = literal.filter((g) => g.operations.includes('READ')).map((g) => topic(g.name));
      for (const group of row.grants.filter((g) => g.resource === 'group'))
        if (readable.length > 0)
          expect(await fetchRefusal(kafka, readable, `${group.name}${suffix}`), group.name).toBeUndefined();
    },
  );

  it("holds exactly the table's ACLs on the prefix's topics, and revokes one the table does not grant", async () => {
    const rows = await kafkaAclTable();
    const onPrefix = async () =>
      (await describeAclBindings(admin)).filter(
        (b) => b.resource === 'topic' && b.name.startsWith(config.TOPIC_PREFIX),
      );
    const wanted = aclBindings(rows, config.TOPIC_PREFIX).filter((b) => b.resource === 'topic');
    const wantedKeys = new Set(wanted.map(bindingKey));
    // The broker applies ACL changes from the metadata log a moment after the controller commits them.
    const settled = (check: (keys: Set<string>) => boolean) =>
      eventually(async () => new Set((await onPrefix()).map(bindingKey)), check, 30_000);
    const sameAsWanted = (keys: Set<string>) =>
      keys.size === wantedKeys.size && [...keys].every((k) => wantedKeys.has(k));
    expect(await settled(sameAsWanted)).toEqual(wantedKeys);

    // Someone grants the gateway the identity vault by hand; provisioning takes it back.
    const extra = { principal: 'User:gateway', resource: 'topic', name: topic(Topics.identityEnrolments) };
    await provisionAcls(
      admin,
      [
        ...rows,
        {
          principal: 'gateway',
          what: 'drift',
          grants: [
            { resource: 'topic', name: Topics.identityEnrolments, pattern: 'literal', operations: ['READ'] },
          ],
        },
      ],
      config.TOPIC_PREFIX,
      logger,
    );
    const hasExtra = (keys: Set<string>) =>
      [...keys].some((k) => k.startsWith(`${extra.principal}|topic|literal|${extra.name}|`));
    expect(hasExtra(await settled(hasExtra))).toBe(true);
    const repaired = await provisionAcls(admin, rows, config.TOPIC_PREFIX, logger, { revokeStale: true });
    expect(repaired.revoked).toBe(1);
    expect(await settled(sameAsWanted)).toEqual(wantedKeys);
    const refusal = () =>
      readRefusal(client('gateway'), topic(Topics.identityEnrolments), 'gateway-consents-x');
    expect(await eventually(refusal, (r) => r === 'TOPIC_AUTHORIZATION_FAILED', 30_000)).toBe(
      'TOPIC_AUTHORIZATION_FAILED',
    );
  });
});
