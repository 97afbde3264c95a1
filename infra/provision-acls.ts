import { setTimeout as sleep } from 'node:timers/promises';
import kafkajs, { type AclEntry, type Admin } from 'kafkajs';
import { TsunagiError } from '../core/errors.js';
import type { Logger } from '../platform/logger.js';
import { type AclBinding, type AclOperation, aclBindings, bindingKey, type PrincipalRow } from './acls.js';

const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

const RESOURCE = { topic: AclResourceTypes.TOPIC, group: AclResourceTypes.GROUP } as const;
// kafkajs's enums are plain objects (no reverse mapping): the operation names by their number.
const OPERATION_NAMES = new Map(Object.entries(AclOperationTypes).map(([name, code]) => [code, name]));
const PATTERN = { literal: ResourcePatternTypes.LITERAL, prefixed: ResourcePatternTypes.PREFIXED } as const;

function toEntry(b: AclBinding): AclEntry {
  return {
    principal: b.principal,
    host: '*',
    resourceType: RESOURCE[b.resource],
    resourceName: b.name,
    resourcePatternType: PATTERN[b.pattern],
    operation: AclOperationTypes[b.operation],
    permissionType: AclPermissionTypes.ALLOW,
  };
}

/** The broker's ALLOW entries for topics and groups, in the table's terms (others are ignored). */
export async function describeAclBindings(admin: Admin): Promise<AclBinding[]> {
  const { resources } = await admin.describeAcls({
    resourceType: AclResourceTypes.ANY,
    resourcePatternType: ResourcePatternTypes.ANY,
    operation: AclOperationTypes.ANY,
    permissionType: AclPermissionTypes.ANY,
  });
  const resourceOf = (type: number) =>
    type === AclResourceTypes.TOPIC ? 'topic' : type === AclResourceTypes.GROUP ? 'group' : undefined;
  const patternOf = (type: number) =>
    type === ResourcePatternTypes.LITERAL
      ? 'literal'
      : type === ResourcePatternTypes.PREFIXED
        ? 'prefixed'
        : undefined;
  return resources.flatMap((r) => {
    const resource = resourceOf(r.resourceType);
    const pattern = patternOf(r.resourcePatternType);
    if (!resource || !pattern) return [];
    return r.acls
      .filter((acl) => acl.permissionType === AclPermissionTypes.ALLOW && acl.host === '*')
      .map((acl) => ({
        principal: acl.principal,
        resource,
        name: r.resourceName,
        pattern,
        operation: OPERATION_NAMES.get(acl.operation) as AclOperation,
      }));
  });
}

/**
 * Waits until the broker's authorizer holds (or no longer holds) `binding`. The broker serves
 * DescribeAcls from the data it authorises with and applies a request's entries in order, so a
 * client started right after provisioning is not judged by ACLs still on their way.
 */
async function untilApplied(admin: Admin, binding: AclBinding, present: boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { resources } = await admin.describeAcls(toEntry(binding));
    if (resources.length > 0 === present) return;
    await sleep(50);
  }
  throw new TsunagiError('BROKER_UNAVAILABLE', `ACLs not applied by the broker after ${timeoutMs} ms`);
}

/**
 * Creates the entries and waits until the broker applied them. The one waited for goes last and is
 * a topic entry under the prefix: group entries are shared by every prefix, so one that existed
 * before would say nothing about this request.
 */
async function createApplied(admin: Admin, bindings: readonly AclBinding[]): Promise<void> {
  const sentinel = bindings.filter((b) => b.resource === 'topic').at(-1) ?? bindings.at(-1);
  if (!sentinel) return;
  await admin.createAcls({ acl: [...bindings.filter((b) => b !== sentinel), sentinel].map(toEntry) });
  await untilApplied(admin, sentinel, true);
}

/**
 * Brings the broker's ACLs for `topicPrefix` to the table: creates what is missing and, with
 * `revokeStale`, deletes what the table no longer grants to its principals on topics under the
 * prefix (never anything of another prefix, nor entries for principals outside the table).
 * Safe to run any number of times.
 */
export async function provisionAcls(
  admin: Admin,
  rows: readonly PrincipalRow[],
  topicPrefix: string,
  logger: Logger,
  options: { revokeStale?: boolean } = {},
): Promise<{ created: number; existing: number; revoked: number }> {
  const wanted = aclBindings(rows, topicPrefix);
  if (!options.revokeStale) {
    // Creating an ACL that exists changes nothing, so a fresh prefix needs no look-up first.
    await createApplied(admin, wanted);
    return { created: wanted.length, existing: 0, revoked: 0 };
  }
  const present = await describeAclBindings(admin);
  const presentKeys = new Set(present.map(bindingKey));
  const wantedKeys = new Set(wanted.map(bindingKey));
  const missing = wanted.filter((b) => !presentKeys.has(bindingKey(b)));
  const principals = new Set(rows.map((r) => `User:${r.principal}`));
  const stale = present.filter(
    (b) =>
      principals.has(b.principal) &&
      !wantedKeys.has(bindingKey(b)) &&
      (b.resource === 'group' || (topicPrefix !== '' && b.name.startsWith(topicPrefix))),
  );
  await createApplied(admin, missing);
  if (stale.length > 0) {
    await admin.deleteAcls({ filters: stale.map(toEntry) });
    await untilApplied(admin, stale.at(-1) as AclBinding, false);
    logger.warn({ revoked: stale.map(bindingKey) }, 'revoked ACLs the table no longer grants');
  }
  return { created: missing.length, existing: wanted.length - missing.length, revoked: stale.length };
}
