import { describe, expect, it } from 'vitest';
import { type ConsentState, evolve } from '../core/consent/index.js';
import { revocationsView } from '../jpki/revocation-view.js';
import { memoryTx } from '../platform/memory-tables.js';
import type { LogPosition } from '../platform/positions.js';
import { ROWS, rowsOf, type StoreTx, type ViewDefinition } from '../platform/view.js';
import { applyEvent } from '../platform/view-apply.js';
import type { TsunagiEvent } from '../schemas/events.js';
import { anEvent } from '../schemas/testing/events.js';
import { readTrailPage, trailIndexView } from './access-trail.js';
import { consentStream, consentsView } from './consents.js';
import { duplicateStoreView, itemsOf, latestItem } from './duplicate-store.js';
import { type ResidentRecord, residentRecordsView } from './resident-record.js';

const at = (offset: number): LogPosition => ({ topic: 't', partition: 0, offset: String(offset) });
const LK = 'lk_resident_01';

const residentChanged = (linkageId: string, sequence: number, data: object = {}) =>
  anEvent('ResidentRecordChanged', {
    data: { linkageId, sequence, changeType: 'REGISTRATION', name: '試験 花子', ...data },
  });
const itemPublished = (provider: string, sequence: number, municipalTax = 100_000n) =>
  anEvent('InformationItemPublished', {
    data: {
      linkageId: LK,
      provider,
      sequence,
      payload: { fiscalYear: 2024, taxableIncome: 1n, municipalTax, prefecturalTax: 1n },
    },
  });
const careLevelPublished = (provider: string, sequence: number) =>
  anEvent('InformationItemPublished', {
    data: {
      linkageId: LK,
      provider,
      sequence,
      itemKind: 'CARE_LEVEL',
      payload: { level: 'CARE_2', certifiedOn: '2024-05-01', validUntil: '2026-04-30' },
    },
  });
const itemWithdrawn = (provider: string, sequence: number) =>
  anEvent('InformationItemWithdrawn', {
    data: { linkageId: LK, provider, sequence, itemKind: 'LOCAL_TAX_INCOME', reason: 'assessment corrected' },
  });
const consentGranted = (linkageId: string, consentId: string) =>
  anEvent('ConsentGranted', { data: { linkageId, consentId } });
const consentRevoked = (linkageId: string, consentId: string, occurredAt = '2025-05-01T00:00:00.000Z') =>
  anEvent('ConsentRevoked', {
    data: { linkageId, consentId },
    envelope: { eventId: `cr-${consentId}-${occurredAt}`, occurredAt: new Date(occurredAt) },
  });
const consentUsed = (linkageId: string, consentId: string, useNumber: number) =>
  anEvent('ConsentUsed', { data: { linkageId, consentId, useNumber } });
const disclosure = (linkageId: string, n: number) =>
  anEvent('DisclosureRecorded', {
    data: { linkageId, disclosedDigest: new Uint8Array(32).fill(n) },
    envelope: { eventId: `dr-${linkageId}-${n}`, recordedAt: new Date(Date.UTC(2025, 3, 1, 0, n)) },
  });

const text = (tx: ReturnType<typeof memoryTx>) =>
  JSON.stringify(tx.dump(), (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));

/** Given events already applied to a view, when one more is applied: its outcome and the rows after. */
function given<Row>(view: ViewDefinition<Row>, events: TsunagiEvent[]) {
  const tx = memoryTx();
  for (const [i, event] of events.entries()) applyEvent(view, tx, event, at(i));
  return {
    tx,
    rows: rowsOf<Row>(tx),
    when: (event: TsunagiEvent) => {
      const before = text(tx);
      const outcome = applyEvent(view, tx, event, at(events.length));
      return { outcome, unchanged: before === text(tx), rows: rowsOf<Row>(tx) };
    },
  };
}

describe('resident record view', () => {
  const resident = (tx: Pick<StoreTx, 'get'>) => tx.get<ResidentRecord>(ROWS, LK);

  it('given a resident of Chiyoda, when they move in to Osaka, then Chiyoda is the previous municipality', () => {
    const { when, tx } = given(residentRecordsView, [residentChanged(LK, 1)]);
    const osaka = { municipalityCode: '271004', prefecture: '大阪府', city: '大阪市', street: '北区1-1' };
    const { outcome } = when(
      residentChanged(LK, 2, { changeType: 'MOVE_IN', address: osaka, sourceMunicipalityCode: '271004' }),
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
    const { when, tx } = given(residentRecordsView, [residentChanged(LK, 1)]);
    when(residentChanged(LK, 2, { changeType: 'MOVE_OUT' }));
    expect(resident(tx)).toMatchObject({
      status: 'MOVED_OUT',
      currentMunicipality: null,
      previousMunicipality: '131016',
    });
  });

  it('given a deceased resident, when a correction arrives, then they stay DECEASED', () => {
    const { when, tx } = given(residentRecordsView, [
      residentChanged(LK, 1),
      residentChanged(LK, 2, { changeType: 'DEATH' }),
    ]);
    when(residentChanged(LK, 3, { changeType: 'CORRECTION', name: '試験 花' }));
    expect(resident(tx)).toMatchObject({
      status: 'DECEASED',
      name: '試験 花',
      currentMunicipality: '131016',
    });
  });

  it('given sequence 2 applied, when sequence 2 arrives again, then nothing changes', () => {
    const { when } = given(residentRecordsView, [residentChanged(LK, 1), residentChanged(LK, 2)]);
    const { outcome, unchanged } = when(residentChanged(LK, 2, { name: '別人' }));
    expect(outcome).toEqual({ outcome: 'duplicate' });
    expect(unchanged).toBe(true);
  });

  it('given sequence 1, when sequence 3 arrives, then it is applied and the gap is reported', () => {
    const { when, tx } = given(residentRecordsView, [residentChanged(LK, 1)]);
    const { outcome } = when(residentChanged(LK, 3, { changeType: 'NAME_CHANGE', name: '新姓 花子' }));
    expect(outcome).toEqual({ outcome: 'gap', gap: { stream: `resident/${LK}`, expected: 2, got: 3 } });
    expect(resident(tx)).toMatchObject({ name: '新姓 花子', sequence: 3 });
  });
});

describe('duplicate store', () => {
  it('given two publications, when read, then the latest is the newest and both are in history', () => {
    const { rows } = given(duplicateStoreView, [
      itemPublished('131016', 1, 100n),
      itemPublished('131016', 2, 200n),
    ]);
    expect(latestItem(rows, LK, '131016', 'LOCAL_TAX_INCOME')).toMatchObject({
      sequence: 2,
      payload: { municipalTax: 200n },
    });
    expect(itemsOf(rows, LK).history).toHaveLength(2);
  });

  it('given a published item, when it is withdrawn, then it leaves "latest" but stays in history', () => {
    const { when } = given(duplicateStoreView, [itemPublished('131016', 1), careLevelPublished('131016', 2)]);
    const { outcome, rows: items } = when(itemWithdrawn('131016', 3));
    expect(outcome).toEqual({ outcome: 'applied' });
    expect(latestItem(items, LK, '131016', 'LOCAL_TAX_INCOME')).toBeUndefined();
    expect(latestItem(items, LK, '131016', 'CARE_LEVEL')).toBeDefined();
    expect(items.get(`${LK}/131016/LOCAL_TAX_INCOME`)?.history).toMatchObject([
      { action: 'PUBLISHED', sequence: 1 },
      { action: 'WITHDRAWN', sequence: 3, reason: 'assessment corrected' },
    ]);
  });

  it('given sequence 3 applied after a gap, when the late sequence 2 arrives, then it is a duplicate and latest stays 3', () => {
    const { when } = given(duplicateStoreView, [
      itemPublished('131016', 1),
      itemPublished('131016', 3, 300n),
    ]);
    const { outcome, unchanged } = when(itemPublished('131016', 2, 200n));
    expect(outcome).toEqual({ outcome: 'duplicate' });
    expect(unchanged).toBe(true);
  });

  it('keeps sequences per resident and provider: another provider starts its own stream', () => {
    const { when } = given(duplicateStoreView, [itemPublished('131016', 5)]);
    expect(when(itemPublished('271004', 1)).outcome).toEqual({ outcome: 'applied' });
  });
});

describe('consent view (core/consent evolve)', () => {
  it('given a granted consent, when it is revoked twice, then the first revocation wins', () => {
    const { when, rows } = given(consentsView, [
      consentGranted(LK, 'consent-1'),
      consentRevoked(LK, 'consent-1', '2025-05-01T00:00:00.000Z'),
    ]);
    const { outcome, unchanged } = when(consentRevoked(LK, 'consent-1', '2025-06-01T00:00:00.000Z'));
    expect(outcome).toEqual({ outcome: 'duplicate' });
    expect(unchanged).toBe(true);
    expect(rows.get(`${LK}/consent-1`)).toMatchObject({
      revoked: { at: new Date('2025-05-01T00:00:00.000Z') },
    });
  });

  it('given a granted consent, when uses are recorded (one replayed), then the view counts each once', () => {
    const { when, rows } = given(consentsView, [
      consentGranted(LK, 'consent-1'),
      consentUsed(LK, 'consent-1', 1),
      consentUsed(LK, 'consent-1', 2),
    ]);
    expect(when(consentUsed(LK, 'consent-1', 2)).outcome).toEqual({ outcome: 'duplicate' });
    expect(rows.get(`${LK}/consent-1`)).toMatchObject({ uses: 2, maxUses: 3 });
  });

  it("given one resident's consent, when another resident revokes that id, then nothing changes", () => {
    const { when } = given(consentsView, [consentGranted(LK, 'consent-1')]);
    expect(when(consentRevoked('lk_resident_02', 'consent-1')).unchanged).toBe(true);
  });

  it('gives back a row from its compacted stream (what a consent command decides on)', () => {
    const { rows } = given(consentsView, [
      consentGranted(LK, 'consent-1'),
      consentUsed(LK, 'consent-1', 2),
      consentRevoked(LK, 'consent-1'),
    ]);
    const row = rows.get(`${LK}/consent-1`);
    const folded = consentStream(row).reduce<ConsentState>((state, event) => evolve(state, event), null);
    expect(folded).toEqual(row);
    expect(consentStream(undefined)).toEqual([]);
  });
});

describe('revocation view (jpki)', () => {
  const revoked = (serialNumber: string, revokedAt: string) =>
    anEvent('CertificateRevoked', { data: { serialNumber, revokedAt: new Date(revokedAt) } });

  it('given a revocation, when it is republished with a later time, then the earliest time is kept', () => {
    const { when, rows } = given(revocationsView, [revoked('0a1b', '2025-03-01T00:00:00.000Z')]);
    expect(when(revoked('0a1b', '2025-03-09T00:00:00.000Z')).outcome).toEqual({ outcome: 'duplicate' });
    expect(rows.range({ prefix: 'revoked|' }).map((r) => r.value)).toEqual([
      {
        kind: 'revoked',
        since: new Date('2025-03-01T00:00:00.000Z'),
        reason: 'KEY_COMPROMISE',
        source: 'CRL',
      },
    ]);
  });
});

describe('access trail index', () => {
  const events = Array.from({ length: 5 }, (_, n) => disclosure(LK, n));

  it('pages a resident trail newest first with a cursor, keeping each trail position', () => {
    const { rows } = given(trailIndexView, [...events, disclosure('lk_resident_02', 9)]);
    const first = readTrailPage(rows, LK, { limit: 2 });
    expect(first.entries.map((e) => e.eventId)).toEqual([`dr-${LK}-4`, `dr-${LK}-3`]);
    expect(first.entries[0]?.position).toEqual(at(4));
    const rest = readTrailPage(rows, LK, { limit: 10, before: first.nextBefore ?? undefined });
    expect(rest.entries.map((e) => e.eventId)).toEqual([`dr-${LK}-2`, `dr-${LK}-1`, `dr-${LK}-0`]);
    expect(rest.nextBefore).toBeNull();
  });

  it('given an indexed disclosure, when the same event id arrives at another offset, then it is indexed once', () => {
    const { when } = given(trailIndexView, events);
    const { outcome, unchanged } = when(events[2] as TsunagiEvent);
    expect(outcome).toEqual({ outcome: 'duplicate' });
    expect(unchanged).toBe(true);
  });
});
