import { describe, expect, it } from 'vitest';
import { agencyGroup } from '../consumers/agency-consumer.js';
import { TsunagiError } from '../core/errors.js';
import { agencyGroupPrefix, CONSUMER_GROUPS } from '../platform/consumer-groups.js';
import { HUB_PRINCIPALS } from '../platform/kafka-credentials.js';
import { Topics } from '../schemas/topics.js';
import { aclBindings, aclTable, agencyRow, HUB_ROWS } from './acls.js';
import { SUPER_USERS } from './broker-security.js';

const topicGrants = (principal: string) =>
  aclTable(['jps', 'hello-work'])
    .filter((r) => r.principal === principal)
    .flatMap((r) => r.grants.filter((g) => g.resource === 'topic'));

describe('the Kafka ACL table', () => {
  it('has one row per hub service principal; the broker and the admin are the only super users', () => {
    const services = HUB_PRINCIPALS.filter((p) => !(SUPER_USERS as readonly string[]).includes(p));
    expect(HUB_ROWS.map((r) => r.principal).sort()).toEqual([...services].sort());
    expect(SUPER_USERS).toEqual(['broker', 'admin']);
  });

  it('gives an agency READ and DESCRIBE on its own notification topic and group prefix, nothing else', () => {
    expect(aclBindings([agencyRow('hello-work')], 'tsunagi.')).toEqual([
      {
        principal: 'User:hello-work',
        resource: 'topic',
        name: 'tsunagi.agency.hello-work.notifications',
        pattern: 'literal',
        operation: 'READ',
      },
      {
        principal: 'User:hello-work',
        resource: 'topic',
        name: 'tsunagi.agency.hello-work.notifications',
        pattern: 'literal',
        operation: 'DESCRIBE',
      },
      {
        principal: 'User:hello-work',
        resource: 'group',
        name: 'agency.hello-work.',
        pattern: 'prefixed',
        operation: 'READ',
      },
      {
        principal: 'User:hello-work',
        resource: 'group',
        name: 'agency.hello-work.',
        pattern: 'prefixed',
        operation: 'DESCRIBE',
      },
    ]);
    expect(agencyGroupPrefix('271004')).toBe('agency.271004.');
  });

  it('lets only ingest read the identity vault, and no one but ingest write resident records', () => {
    const readers = HUB_ROWS.filter((r) =>
      r.grants.some((g) => g.name === Topics.identityEnrolments && g.operations.includes('READ')),
    );
    expect(readers.map((r) => r.principal)).toEqual(['ingest']);
    const writers = HUB_ROWS.filter((r) =>
      r.grants.some((g) => g.name === Topics.residentRecords && g.operations.includes('WRITE')),
    );
    expect(writers.map((r) => r.principal)).toEqual(['ingest']);
    expect(topicGrants('gateway').map((g) => g.name)).not.toContain(Topics.identityEnrolments);
  });

  it('writes the trail only from the services that disclose', () => {
    const writers = HUB_ROWS.filter((r) =>
      r.grants.some((g) => g.name === Topics.accessTrail && g.operations.includes('WRITE')),
    );
    expect(writers.map((r) => r.principal).sort()).toEqual(['gateway', 'notices', 'subscriptions']);
  });

  it('names topics under the prefix and consumer groups as they are', () => {
    const bindings = aclBindings(HUB_ROWS, 'test.x.');
    expect(bindings.filter((b) => b.resource === 'topic').every((b) => b.name.startsWith('test.x.'))).toBe(
      true,
    );
    expect(bindings.filter((b) => b.resource === 'group').every((b) => !b.name.startsWith('test.x.'))).toBe(
      true,
    );
    expect(bindings.filter((b) => b.resource === 'group').every((b) => b.pattern === 'prefixed')).toBe(true);
  });

  it('refuses an agency id that would take a hub principal or nest under another agency', () => {
    for (const id of ['gateway', 'admin', 'broker', 'a.b', 'UPPER', '']) {
      expect(() => agencyRow(id), id).toThrow(TsunagiError);
    }
    expect(() => agencyRow('gateway')).toThrow('agency id "gateway" is reserved for a hub principal');
    expect(() => agencyRow('a.b')).toThrow('agency id "a.b" cannot be a Kafka principal');
  });

  it('keeps the example agency consumer inside its own group prefix', () => {
    expect(agencyGroup('jps')).toBe('agency.jps.consumer');
    expect(agencyGroup('jps', 'agency.jps.replay')).toBe('agency.jps.replay');
    expect(() => agencyGroup('jps', 'agency.hello-work.consumer')).toThrow(
      "--group must start with agency.jps. (the agency's own groups)",
    );
  });

  it("grants every reader's consumer group to the principals that run it", () => {
    for (const { prefix, principals } of Object.values(CONSUMER_GROUPS))
      for (const principal of principals) {
        const row = HUB_ROWS.find((r) => r.principal === principal);
        const grants = row?.grants.filter((g) => g.resource === 'group') ?? [];
        expect(
          grants.some((g) => g.pattern === 'prefixed' && prefix.startsWith(g.name)),
          `${principal} may use groups ${prefix}*`,
        ).toBe(true);
      }
  });
});
