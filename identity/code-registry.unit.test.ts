import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { viewOf } from '../platform/memory-view.js';
import { base32 } from './base32.js';
import { codeMapView } from './code-view.js';
import { deriveCode, parseCode } from './codes.js';
import { generateDevKeys } from './dev-keys.js';
import { parseKeyRing } from './keys.js';
import { type LinkageId, newLinkageId } from './linkage-id.js';
import { createTestHub, type TestHub } from './testing/hub.js';

const hubs: TestHub[] = [];
const hub = (options?: Parameters<typeof createTestHub>[0]) => {
  const made = createTestHub(options);
  hubs.push(made);
  return made;
};
afterEach(async () => {
  for (const made of hubs.splice(0)) await made.close();
});

const agencyId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/);
const linkageId = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => `L-${base32(b)}` as LinkageId);
const ring = (text: string) => parseKeyRing(text, 'TSUNAGI_HUB_KEYS');

describe('code derivation (pure)', () => {
  const keys = ring(generateDevKeys().TSUNAGI_HUB_KEYS);

  it('encodes base32 as RFC 4648 does', () => {
    expect(base32(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
  });

  it('gives two agencies different codes for one resident, and one agency different codes for two residents', () => {
    fc.assert(
      fc.property(agencyId, agencyId, linkageId, linkageId, (a, b, person, other) => {
        fc.pre(a !== b && person !== other);
        const code = deriveCode(keys, 'AGENCY_CODE', 1, a, person);
        expect(deriveCode(keys, 'AGENCY_CODE', 1, b, person)).not.toBe(code);
        expect(deriveCode(keys, 'AGENCY_CODE', 1, a, other)).not.toBe(code);
        expect(deriveCode(keys, 'PPID', 1, a, person)).not.toBe(code.replace('AC1', 'PP1'));
        expect(deriveCode(keys, 'AGENCY_CODE', 1, a, person)).toBe(code);
      }),
    );
  });

  it('shows kind and key version in the code, and nothing of the linkage id', () => {
    const person = newLinkageId();
    const code = deriveCode(keys, 'AGENCY_CODE', 1, 'pension-service', person);
    expect(code).toMatch(/^AC1-v1-[A-Z2-7]{32}$/);
    expect(code).not.toContain(person.slice(2, 10));
    expect(parseCode(code)).toEqual({ kind: 'AGENCY_CODE', keyVersion: 1 });
    expect(parseCode(deriveCode(keys, 'PPID', 1, 'portal', person))).toEqual({ kind: 'PPID', keyVersion: 1 });
    expect(parseCode('AC1-v1-short')).toBeUndefined();
    expect(parseCode(person)).toBeUndefined();
  });
});

describe('agency code registry', () => {
  const shared = createTestHub();
  afterAll(() => shared.close());

  it('round-trips any conversion through the hub: A → B → A gives back the same code', async () => {
    await fc.assert(
      fc.asyncProperty(agencyId, agencyId, linkageId, async (a, b, person) => {
        fc.pre(a !== b);
        const codeA = await shared.codes.issueAgencyCode(a, person);
        const toB = await shared.codes.convertCode(a, codeA, b);
        if (!toB.ok) throw new Error(toB.reason);
        expect(toB.agencyCode).not.toBe(codeA);
        expect(await shared.codes.resolveAgencyCode(b, toB.agencyCode)).toEqual({
          ok: true,
          linkageId: person,
        });
        expect(await shared.codes.convertCode(b, toB.agencyCode, a)).toEqual({ ok: true, agencyCode: codeA });
      }),
      { numRuns: 40 },
    );
  });

  it('issues a code once: the AgencyCodeIssued event is appended on first link only, linkage id sealed', async () => {
    const { codes, codeLog } = hub();
    const person = newLinkageId();
    const code = await codes.issueAgencyCode('271004', person);
    expect(await codes.issueAgencyCode('271004', person)).toBe(code);
    expect(codeLog.entries).toHaveLength(1);
    const [event] = codeLog.entries;
    expect(event).toMatchObject({
      codeKind: 'AGENCY_CODE',
      agencyId: '271004',
      agencyCode: code,
      keyVersion: 1,
    });
    expect(event?.issuedAt).toBe(Date.parse('2026-04-01T09:00:00Z'));
    expect(event?.sealedLinkageId.includes(person)).toBe(false);
  });

  it('refuses a code of another agency, a malformed code and an unknown code', async () => {
    const { codes } = hub();
    const code = await codes.issueAgencyCode('131016', newLinkageId());
    expect(await codes.resolveAgencyCode('271004', code)).toEqual({ ok: false, reason: 'CODE_UNKNOWN' });
    expect(await codes.convertCode('131016', 'AC1-v1-nonsense', '271004')).toEqual({
      ok: false,
      reason: 'CODE_MALFORMED',
    });
    const forged = `AC1-v1-${'A'.repeat(32)}`;
    expect(await codes.convertCode('131016', forged, '271004')).toEqual({
      ok: false,
      reason: 'CODE_UNKNOWN',
    });
    await expect(codes.issueAgencyCode('bad id!', newLinkageId())).rejects.toMatchObject({
      code: 'INPUT_INVALID',
    });
  });

  it('returns no code when the log does not acknowledge the issue', async () => {
    const { codes, codeLog } = hub();
    codeLog.failNextAppends(1);
    const person = newLinkageId();
    await expect(codes.issueAgencyCode('131016', person)).rejects.toMatchObject({
      code: 'BROKER_UNAVAILABLE',
    });
    const code = await codes.issueAgencyCode('131016', person);
    expect(await codes.resolveAgencyCode('131016', code)).toEqual({ ok: true, linkageId: person });
  });

  it('keeps old codes convertible and unchanged after hub key rotation; new links get the new version', async () => {
    const keys = generateDevKeys();
    const before = hub({ hubKeys: ring(keys.TSUNAGI_HUB_KEYS) });
    const person = newLinkageId();
    const oldCode = await before.codes.issueAgencyCode('pension-service', person);
    const rotated = ring(`${keys.TSUNAGI_HUB_KEYS},v2:${Buffer.alloc(32, 9).toString('base64')}`);
    const after = createTestHub({ hubKeys: rotated, vaultKeys: before.vaultKeys });
    hubs.push(after);
    for (const event of before.codeLog.entries) await after.codeLog.append(event);
    await after.codes.rebuildFromLog();
    expect(await after.codes.issueAgencyCode('pension-service', person)).toBe(oldCode);
    const converted = await after.codes.convertCode('pension-service', oldCode, 'hello-work');
    expect(converted.ok && parseCode(converted.agencyCode)?.keyVersion).toBe(2);
    if (!converted.ok) throw new Error('conversion refused');
    expect(await after.codes.convertCode('hello-work', converted.agencyCode, 'pension-service')).toEqual({
      ok: true,
      agencyCode: oldCode,
    });
  });

  it('rebuilds the reverse index from the events; evolve ignores a replayed event', async () => {
    const { codes, codeLog, vaultKeys, hubKeys } = hub();
    const person = newLinkageId();
    const code = await codes.issueAgencyCode('131016', person);
    const fresh = hub({ hubKeys, vaultKeys });
    for (const event of [...codeLog.entries, ...codeLog.entries]) await fresh.codeLog.append(event);
    expect(await fresh.codes.rebuildFromLog()).toEqual({ entries: 2, codes: 1 });
    expect(await fresh.codes.resolveAgencyCode('131016', code)).toEqual({ ok: true, linkageId: person });
    const [event] = codeLog.entries;
    if (!event) throw new Error('no event');
    const once = viewOf(codeMapView, [event]);
    const twice = viewOf(codeMapView, [event, event]);
    expect(twice.range({ prefix: '' })).toEqual(once.range({ prefix: '' }));
    expect(once.range({ prefix: '' })).toHaveLength(1);
  });
});

describe('PPIDs', () => {
  it('are one per (service, resident), unlinkable to agency codes, resolvable by their service only', async () => {
    const { codes } = hub();
    const person = newLinkageId();
    const ppid = await codes.ppidFor('mynaportal', person);
    expect(ppid).toMatch(/^PP1-v1-[A-Z2-7]{32}$/);
    expect(await codes.ppidFor('mynaportal', person)).toBe(ppid);
    expect(await codes.ppidFor('tax-e-filing', person)).not.toBe(ppid);
    expect(await codes.resolvePpid('mynaportal', ppid)).toEqual({ ok: true, linkageId: person });
    expect(await codes.resolvePpid('tax-e-filing', ppid)).toEqual({ ok: false, reason: 'CODE_UNKNOWN' });
    expect(await codes.resolveAgencyCode('mynaportal', ppid)).toEqual({
      ok: false,
      reason: 'CODE_MALFORMED',
    });
  });
});
