import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventWireOver } from '../platform/event-wire.js';
import { fixedSchemaIds } from '../tests/support/schema-ids.js';
import { createCertificateBindings } from './certificate-binding.js';
import { certificateBoundCodec } from './identity-codecs.js';
import { openIdentityStore } from './identity-store.js';
import { newLinkageId } from './linkage-id.js';
import { createTestHub, type TestHub } from './testing/hub.js';
import { testMyNumber } from './testing/my-numbers.js';

const hubs: TestHub[] = [];
const setup = () => {
  const hub = createTestHub();
  hubs.push(hub);
  return { ...hub, certificates: createCertificateBindings(hub) };
};
afterEach(async () => {
  for (const hub of hubs.splice(0)) await hub.close();
});

const issuer =
  'C=JP, O=JPKI, OU=JPKI for user authentication, OU=Japan Agency for Local Authority Information Systems';

describe('JPKI certificate bindings', () => {
  it('keeps the PPID when the card is renewed and the new certificate is bound to the same resident', async () => {
    // given a resident enrolled and logged in once with their first card
    const { vault, codes, certificates } = setup();
    const linkageId = await vault.enrol(testMyNumber('renewal'));
    const oldCard = { issuer, serialNumber: '0A:1B:2C' };
    expect(await certificates.bindCertificate(oldCard, linkageId)).toEqual({ ok: true, linkageId });
    const ppid = await codes.ppidFor('mynaportal', linkageId);
    // when the renewed card's certificate is bound to the same linkage id
    const newCard = { issuer, serialNumber: '7F00FF' };
    expect(await certificates.bindCertificate(newCard, linkageId)).toEqual({ ok: true, linkageId });
    // then a login with the new certificate leads to the same PPID
    const resolved = await certificates.resolveCertificate(newCard);
    expect(resolved).toBe(linkageId);
    if (!resolved) throw new Error('not bound');
    expect(await codes.ppidFor('mynaportal', resolved)).toBe(ppid);
  });

  it('normalises serial spelling, and refuses a certificate bound to another resident', async () => {
    const { certificates } = setup();
    const [alice, bob] = [newLinkageId(), newLinkageId()];
    await certificates.bindCertificate({ issuer, serialNumber: '00:0a:1b' }, alice);
    expect(await certificates.resolveCertificate({ issuer, serialNumber: 'A1B' })).toBe(alice);
    expect(await certificates.bindCertificate({ issuer, serialNumber: '0A1B' }, alice)).toEqual({
      ok: true,
      linkageId: alice,
    });
    expect(await certificates.bindCertificate({ issuer, serialNumber: 'a1b' }, bob)).toEqual({
      ok: false,
      reason: 'CERTIFICATE_BOUND_ELSEWHERE',
    });
    expect(
      await certificates.resolveCertificate({ issuer: 'C=JP, O=Other', serialNumber: 'A1B' }),
    ).toBeUndefined();
  });

  it('binds by SHA-256 fingerprint and rejects malformed references with INPUT_INVALID', async () => {
    const { certificates } = setup();
    const person = newLinkageId();
    const fingerprint = 'ab'.repeat(32);
    await certificates.bindCertificate({ sha256Fingerprint: fingerprint.toUpperCase() }, person);
    expect(await certificates.resolveCertificate({ sha256Fingerprint: fingerprint })).toBe(person);
    await expect(certificates.resolveCertificate({ sha256Fingerprint: 'abc' })).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      path: 'sha256Fingerprint',
    });
    await expect(certificates.bindCertificate({ issuer, serialNumber: 'xyz' }, person)).rejects.toMatchObject(
      {
        code: 'INPUT_INVALID',
      },
    );
  });

  it('appends a CertificateBound event before the binding is usable, with neither serial nor resident in clear', async () => {
    const { certificates, certificateLog } = setup();
    const person = newLinkageId();
    const card = { issuer, serialNumber: '7A:0B:CD:EF:01' };
    expect(await certificates.bindCertificate(card, person)).toEqual({ ok: true, linkageId: person });
    expect(certificateLog.entries).toHaveLength(1);
    const wire = eventWireOver(fixedSchemaIds({ 'certificate-bound@1': 1 }));
    const bytes = (await certificateBoundCodec(wire).encode(certificateLog.entries[0] as never)).toString(
      'latin1',
    );
    for (const clear of ['7a0bcdef01', '7A0BCDEF01', 'JPKI', person]) expect(bytes).not.toContain(clear);
    // Binding again, or resolving, appends nothing.
    await certificates.bindCertificate(card, person);
    expect(certificateLog.entries).toHaveLength(1);
  });

  it('does not bind when the log does not acknowledge (BROKER_UNAVAILABLE), and a retry binds', async () => {
    const { certificates, certificateLog } = setup();
    const person = newLinkageId();
    const card = { issuer, serialNumber: '0C0FFEE0' };
    certificateLog.failNextAppends(1);
    await expect(certificates.bindCertificate(card, person)).rejects.toMatchObject({
      code: 'BROKER_UNAVAILABLE',
      retriable: true,
    });
    expect(await certificates.resolveCertificate(card)).toBeUndefined();
    expect(await certificates.bindCertificate(card, person)).toEqual({ ok: true, linkageId: person });
    expect(await certificates.resolveCertificate(card)).toBe(person);
  });

  it('binds a certificate once when two residents race for it, in the log as in the store', async () => {
    const { certificates, certificateLog } = setup();
    const [alice, bob] = [newLinkageId(), newLinkageId()];
    const card = { issuer, serialNumber: 'ABCDEF' };
    const [first, second] = await Promise.all([
      certificates.bindCertificate(card, alice),
      certificates.bindCertificate(card, bob),
    ]);
    expect([first, second]).toEqual([
      { ok: true, linkageId: alice },
      { ok: false, reason: 'CERTIFICATE_BOUND_ELSEWHERE' },
    ]);
    expect(certificateLog.entries).toHaveLength(1);
  });

  it('rebuilds lost bindings from the log into an empty store (first binding wins, replay twice is harmless)', async () => {
    // given bindings made through one store
    const hub = setup();
    const [alice, bob] = [newLinkageId(), newLinkageId()];
    await hub.certificates.bindCertificate({ issuer, serialNumber: '01' }, alice);
    await hub.certificates.bindCertificate({ issuer, serialNumber: '02' }, bob);
    // when the store is lost and a new one is rebuilt from the same log
    const dir = mkdtempSync(join(tmpdir(), 'tsunagi-identity-rebuilt-'));
    const store = openIdentityStore(dir);
    try {
      const rebuilt = createCertificateBindings({ ...hub, store });
      expect(await rebuilt.resolveCertificate({ issuer, serialNumber: '01' })).toBeUndefined();
      expect(await rebuilt.rebuildFromLog()).toEqual({ entries: 2, bindings: 2 });
      expect(await rebuilt.rebuildFromLog()).toEqual({ entries: 2, bindings: 2 });
      // then both resolve as before, and a rebinding elsewhere is still refused
      expect(await rebuilt.resolveCertificate({ issuer, serialNumber: '01' })).toBe(alice);
      expect(await rebuilt.resolveCertificate({ issuer, serialNumber: '02' })).toBe(bob);
      expect(await rebuilt.bindCertificate({ issuer, serialNumber: '01' }, bob)).toEqual({
        ok: false,
        reason: 'CERTIFICATE_BOUND_ELSEWHERE',
      });
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
