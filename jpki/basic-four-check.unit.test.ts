import { beforeAll, describe, expect, it } from 'vitest';
import type { ChangeType, ResidentRecordChanged } from '../schemas/events.js';
import { anEvent } from '../schemas/testing/events.js';
import { checkBasicFourSinceIssuance } from './basic-four-check.js';
import { createTestPki } from './testing/pki/index.js';

const DAY = 86_400_000;
const base: ResidentRecordChanged = anEvent('ResidentRecordChanged');
let der: Uint8Array;
let issuedAt: Date;

beforeAll(async () => {
  const pki = await createTestPki({ now: new Date('2026-04-01T00:00:00Z') });
  const signing = await pki.issueSigning({
    name: '山田 太郎',
    address: '東京都千代田区千代田1-1',
    dateOfBirth: '1969-12-31',
    gender: '1',
  });
  der = signing.der;
  issuedAt = signing.certificate.notBefore.value;
});

/** A record event `days` after issuance (negative: before), with some fields changed. */
function record(
  sequence: number,
  days: number,
  changeType: ChangeType,
  change: Partial<ResidentRecordChanged['data']> = {},
): ResidentRecordChanged {
  const occurredAt = new Date(issuedAt.getTime() + days * DAY);
  return {
    ...base,
    envelope: { ...base.envelope, eventId: `evt-${sequence}`, occurredAt },
    data: { ...base.data, changeType, sequence, ...change },
  };
}
const moved = { address: { ...base.data.address, city: '中央区', street: '銀座1-1' } };

describe('checkBasicFourSinceIssuance', () => {
  it('given no change after issuance, reports none (changes before issuance do not count)', () => {
    const history = [record(1, -400, 'BIRTH'), record(2, -10, 'ADDRESS_CHANGE', moved)];
    expect(checkBasicFourSinceIssuance(der, history)).toEqual({
      ok: true,
      changed: false,
      issuedAt,
      fields: [],
      changes: [],
    });
  });

  it('given a name change and a move after issuance, reports both, in sequence order', () => {
    const history = [
      record(3, 20, 'ADDRESS_CHANGE', { name: '佐藤 太郎', ...moved }),
      record(1, -400, 'BIRTH'),
      record(2, 5, 'NAME_CHANGE', { name: '佐藤 太郎' }),
    ];
    const result = checkBasicFourSinceIssuance(der, history);
    expect(result).toMatchObject({ ok: true, changed: true, fields: ['name', 'address'] });
    expect(result.ok && result.changes).toEqual([
      {
        changeType: 'NAME_CHANGE',
        occurredAt: history[2]?.envelope.occurredAt,
        sequence: 2,
        fields: ['name'],
      },
      {
        changeType: 'ADDRESS_CHANGE',
        occurredAt: history[0]?.envelope.occurredAt,
        sequence: 3,
        fields: ['address'],
      },
    ]);
  });

  it('ignores differences of width, spacing and dash that a registry clerk would ignore', () => {
    const history = [
      record(1, -1, 'BIRTH'),
      record(2, 3, 'CORRECTION', {
        name: '山田\u3000太郎',
        address: { ...base.data.address, street: '千代田１ー１' },
      }),
    ];
    expect(checkBasicFourSinceIssuance(der, history)).toMatchObject({ ok: true, changed: false });
  });

  it('reports a correction of the date of birth or gender as a change of that field', () => {
    const history = [
      record(1, -1, 'BIRTH'),
      record(2, 1, 'CORRECTION', { dateOfBirth: '1970-01-01' }),
      record(3, 2, 'CORRECTION', { gender: 'FEMALE' }),
    ];
    expect(checkBasicFourSinceIssuance(der, history)).toMatchObject({
      ok: true,
      changed: true,
      fields: ['dateOfBirth', 'gender'],
    });
  });

  it('reports a death even though no basic four field changes', () => {
    const result = checkBasicFourSinceIssuance(der, [record(1, -1, 'BIRTH'), record(2, 1, 'DEATH')]);
    expect(result).toMatchObject({ ok: true, changed: true, fields: [] });
    expect(result.ok && result.changes.map((c) => c.changeType)).toEqual(['DEATH']);
  });

  it('refuses when the history does not reach back to issuance, or the certificate does not parse', () => {
    expect(checkBasicFourSinceIssuance(der, [record(1, 2, 'MOVE_IN')])).toEqual({
      ok: false,
      reason: 'NO_RECORD_AT_ISSUANCE',
    });
    expect(checkBasicFourSinceIssuance(new Uint8Array([1, 2, 3]), [])).toMatchObject({
      ok: false,
      reason: 'MALFORMED',
    });
  });
});
