import { describe, expect, it } from 'vitest';
import type { TsunagiEvent } from '../schemas/events.js';
import { applyDisclosure, readTrailPage } from './access-trail.js';
import { applyConsent, CONSENTS } from './consents.js';
import { applyInformationItem, ITEM_HISTORY, LATEST_ITEMS } from './duplicate-store.js';
import { memoryTx } from './memory-tx.js';
import type { ApplyOutcome, RecordPosition, StoreTx } from './projection.js';
import { applyResidentRecord, RESIDENTS, type ResidentRecord } from './resident-record.js';
import { applyRevocation, REVOCATIONS } from './revocations.js';
import {
  careLevelPublished,
  certificateRevoked,
  consentGranted,
  consentRevoked,
  consentUsed,
  disclosureRecorded,
  itemPublished,
  itemWithdrawn,
  residentChanged,
} from './testing/events.js';

type Apply = (event: TsunagiEvent, tx: StoreTx, at: RecordPosition) => ApplyOutcome;
const at = (offset: number): RecordPosition => ({ topic: 't', partition: 0, offset: String(offset) });

/** Given events already applied, when one more is applied: its outcome and the store after. */
function given(apply: Apply, events: TsunagiEvent[]) {
  const tx = memoryTx();
  for (const [i, event] of events.entries()) apply(event, tx, at(i));
  return {
    tx,
    when: (event: TsunagiEvent) => {
      const before = JSON.stringify(tx.dump(), (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
      const outcome = apply(event, tx, at(events.length));
      const unchanged =
        before === JSON.stringify(tx.dump(), (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
      return { outcome, unchanged, tx };
    },
  };
}

describe('resident record view', () => {
  const resident = (tx: StoreTx) => tx.get<ResidentRecord>(RESIDENTS, 'lk_resident_01');

  it('given a resident of Chiyoda, when they move in to Osaka, then Chiyoda is the previous municipality', () => {
    const { when } = given(applyResidentRecord, [residentChanged('lk_resident_01', 1)]);
    const osaka = { municipalityCode: '271004', prefecture: '大阪府', city: '大阪市', street: '北区1-1' };
    const { outcome, tx } = when(
      residentChanged('lk_resident_01', 2, {
        changeType: 'MOVE_IN',
        address: osaka,
        sourceMunicipalityCode: '271004',
      }),
    );
    expect(outcome).toEqual({ outcome: 'applied' });
    expect(resident(tx)).toMatchObject({
      status: 'RESIDENT',
      currentMunicipality: '271004',
      previousMunicipality: '131016',
      address: osaka,
      sequence: 2,
    });
  });

  it('given a resident, when they move out, then they are MOVED_OUT with no current municipality', () => {
    const { when } = given(applyResidentRecord, [residentChanged('lk_resident_01', 1)]);
    const { tx } = when(residentChanged('lk_resident_01', 2, { changeType: 'MOVE_OUT' }));
    expect(resident(tx)).toMatchObject({
      status: 'MOVED_OUT',
      currentMunicipality: null,
      previousMunicipality: '131016',
    });
  });

  it('given a deceased resident, when a correction arrives, then they stay DECEASED', () => {
    const { when } = given(applyResidentRecord, [
      residentChanged('lk_resident_01', 1),
      residentChanged('lk_resident_01', 2, { changeType: 'DEATH' }),
    ]);
    const { tx } = when(residentChanged('lk_resident_01', 3, { changeType: 'CORRECTION', name: '試験 花' }));
    expect(resident(tx)).toMatchObject({
      status: 'DECEASED',
      name: '試験 花',
      currentMunicipality: '131016',
    });
  });

  it('given sequence 2 applied, when sequence 2 arrives again, then nothing changes', () => {
    const { when } = given(applyResidentRecord, [
      residentChanged('lk_resident_01', 1),
      residentChanged('lk_resident_01', 2),
    ]);
    const { outcome, unchanged } = when(residentChanged('lk_resident_01', 2, { name: '別人' }));
    expect(outcome).toEqual({ outcome: 'duplicate' });
    expect(unchanged).toBe(true);
  });

  it('given sequence 1, when sequence 3 arrives, then it is applied and the gap is reported', () => {
    const { when } = given(applyResidentRecord, [residentChanged('lk_resident_01', 1)]);
    const { outcome, tx } = when(
      residentChanged('lk_resident_01', 3, { changeType: 'NAME_CHANGE', name: '新姓 花子' }),
    );
    expect(outcome).toEqual({
      outcome: 'gap',
      gap: { stream: 'resident/lk_resident_01', expected: 2, got: 3 },
    });
    expect(resident(tx)).toMatchObject({ name: '新姓 花子', sequence: 3 });
  });
});

describe('duplicate store', () => {
  it('given two publications, when read, then the latest is the newest and both are in history', () => {
    const { tx } = given(applyInformationItem, [
      itemPublished('lk_resident_01', '131016', 1, 100n),
      itemPublished('lk_resident_01', '131016', 2, 200n),
    ]);
    expect(tx.get(LATEST_ITEMS, 'lk_resident_01/131016/LOCAL_TAX_INCOME')).toMatchObject({
      sequence: 2,
      payload: { municipalTax: 200n },
    });
    expect(tx.range(ITEM_HISTORY, { prefix: 'lk_resident_01/' })).toHaveLength(2);
  });

  it('given a published item, when it is withdrawn, then it leaves "latest" but stays in history', () => {
    const { when } = given(applyInformationItem, [
      itemPublished('lk_resident_01', '131016', 1),
      careLevelPublished('lk_resident_01', '131016', 2),
    ]);
    const { outcome, tx } = when(itemWithdrawn('lk_resident_01', '131016', 3));
    expect(outcome).toEqual({ outcome: 'applied' });
    expect(tx.get(LATEST_ITEMS, 'lk_resident_01/131016/LOCAL_TAX_INCOME')).toBeUndefined();
    expect(tx.get(LATEST_ITEMS, 'lk_resident_01/131016/CARE_LEVEL')).toBeDefined();
    expect(
      tx.range(ITEM_HISTORY, { prefix: 'lk_resident_01/131016/LOCAL_TAX_INCOME/' }).map((e) => e.value),
    ).toMatchObject([
      { action: 'PUBLISHED', sequence: 1 },
      { action: 'WITHDRAWN', sequence: 3, reason: 'assessment corrected' },
    ]);
  });

  it('given sequence 3 applied after a gap, when the late sequence 2 arrives, then it is a duplicate and latest stays 3', () => {
    const { when } = given(applyInformationItem, [
      itemPublished('lk_resident_01', '131016', 1),
      itemPublished('lk_resident_01', '131016', 3, 300n),
    ]);
    const { outcome, unchanged } = when(itemPublished('lk_resident_01', '131016', 2, 200n));
    expect(outcome).toEqual({ outcome: 'duplicate' });
    expect(unchanged).toBe(true);
  });

  it('keeps sequences per resident and provider: another provider starts its own stream', () => {
    const { when } = given(applyInformationItem, [itemPublished('lk_resident_01', '131016', 5)]);
    expect(when(itemPublished('lk_resident_01', '271004', 1)).outcome).toEqual({ outcome: 'applied' });
  });
});

describe('consent view (core/consent evolve)', () => {
  it('given a granted consent, when it is revoked twice, then the first revocation wins', () => {
    const { when } = given(applyConsent, [
      consentGranted('lk_resident_01', 'consent-1'),
      consentRevoked('lk_resident_01', 'consent-1', '2025-05-01T00:00:00.000Z'),
    ]);
    const { outcome, unchanged, tx } = when(
      consentRevoked('lk_resident_01', 'consent-1', '2025-06-01T00:00:00.000Z'),
    );
    expect(outcome).toEqual({ outcome: 'duplicate' });
    expect(unchanged).toBe(true);
    expect(tx.get(CONSENTS, 'lk_resident_01/consent-1')).toMatchObject({
      revoked: { at: new Date('2025-05-01T00:00:00.000Z') },
    });
  });

  it('given a granted consent, when uses are recorded (one replayed), then the view counts each once', () => {
    const { when } = given(applyConsent, [
      consentGranted('lk_resident_01', 'consent-1'),
      consentUsed('lk_resident_01', 'consent-1', 1),
      consentUsed('lk_resident_01', 'consent-1', 2),
    ]);
    const { outcome, tx } = when(consentUsed('lk_resident_01', 'consent-1', 2));
    expect(outcome).toEqual({ outcome: 'duplicate' });
    expect(tx.get(CONSENTS, 'lk_resident_01/consent-1')).toMatchObject({ uses: 2, maxUses: 3 });
  });

  it("given one resident's consent, when another resident revokes that id, then nothing changes", () => {
    const { when } = given(applyConsent, [consentGranted('lk_resident_01', 'consent-1')]);
    const { unchanged } = when(consentRevoked('lk_resident_02', 'consent-1'));
    expect(unchanged).toBe(true);
  });
});

describe('revocation view (jpki evolve)', () => {
  it('given a revocation, when it is republished with a later time, then the earliest time is kept', () => {
    const { when } = given(applyRevocation, [certificateRevoked('0a1b', '2025-03-01T00:00:00.000Z')]);
    const { outcome, tx } = when(certificateRevoked('0a1b', '2025-03-09T00:00:00.000Z'));
    expect(outcome).toEqual({ outcome: 'duplicate' });
    expect(tx.get(REVOCATIONS, 'CN=Test JPKI CA,O=Tsunagi Test,C=JP|0a1b')).toEqual({
      since: new Date('2025-03-01T00:00:00.000Z'),
      reason: 'keyCompromise',
      source: 'CRL',
    });
  });
});

describe('access trail index', () => {
  const events = Array.from({ length: 5 }, (_, n) => disclosureRecorded('lk_resident_01', n));

  it('pages a resident trail newest first with a cursor, keeping each trail position', () => {
    const { tx } = given(applyDisclosure, [...events, disclosureRecorded('lk_resident_02', 9)]);
    const first = readTrailPage(tx, 'lk_resident_01', { limit: 2 });
    expect(first.entries.map((e) => e.eventId)).toEqual(['dr-lk_resident_01-4', 'dr-lk_resident_01-3']);
    expect(first.entries[0]?.position).toEqual(at(4));
    const rest = readTrailPage(tx, 'lk_resident_01', { limit: 10, before: first.nextBefore ?? undefined });
    expect(rest.entries.map((e) => e.eventId)).toEqual([
      'dr-lk_resident_01-2',
      'dr-lk_resident_01-1',
      'dr-lk_resident_01-0',
    ]);
    expect(rest.nextBefore).toBeNull();
  });

  it('given an indexed disclosure, when the same event id arrives at another offset, then it is indexed once', () => {
    const { when } = given(applyDisclosure, events);
    const { outcome, unchanged } = when(events[2] as TsunagiEvent);
    expect(outcome).toEqual({ outcome: 'duplicate' });
    expect(unchanged).toBe(true);
  });
});
