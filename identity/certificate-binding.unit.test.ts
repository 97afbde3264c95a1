import { afterEach, describe, expect, it } from 'vitest';
import { createCertificateBindings } from './certificate-binding.js';
import { newLinkageId } from './linkage-id.js';
import { testMyNumber } from './test-my-numbers.js';
import { createTestHub, type TestHub } from './test-support.js';

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
});
