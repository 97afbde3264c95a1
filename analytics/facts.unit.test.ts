import { describe, expect, it } from 'vitest';
import { SAMPLE_EVENTS } from '../schemas/testing/samples.js';
import { consentRef, factOf, jstDay, trailFact } from './facts.js';
import { planFacts, revokedRefs } from './plan.js';
import { disclosure, grant, recordChange, revoke } from './testing/events.js';

const PERSONAL = ['lk_', '山田', 'ヤマダ', '千代田1-1', '1969-12-31', 'hh-131016', 'AC1-', 'consent-0001'];

describe('event → fact mapping', () => {
  it('given a trail record, then the fact has its parties, outcome, refusal code, JST day and latency', () => {
    const event = disclosure('r', 7, {
      outcome: 'REFUSED',
      requester: 'hello-work',
      provider: '271004',
      latencyMs: 1250,
    });
    event.envelope.occurredAt = new Date('2026-03-31T15:30:00.000Z');
    event.envelope.recordedAt = new Date('2026-03-31T15:30:01.250Z');
    expect(trailFact(event)).toEqual({
      event_id: 'r-trail-7',
      at: '2026-03-31 15:30:00',
      day: '2026-04-01',
      requester: 'hello-work',
      office_work: 'child-allowance-eligibility',
      provider: '271004',
      item: 'LOCAL_TAX_INCOME',
      outcome: 'REFUSED',
      refusal_reason: 'NO_LEGAL_BASIS',
      channel: 'INQUIRY',
      latency_ms: 1250,
      requester_municipality: '',
      provider_municipality: '271004',
    });
  });

  it('clamps a negative latency (clock skew) to zero', () => {
    const event = disclosure('r', 1, { outcome: 'DISCLOSED' });
    event.envelope.recordedAt = new Date(event.envelope.occurredAt.getTime() - 5);
    expect(trailFact(event).latency_ms).toBe(0);
  });

  it('keeps no name, address, birth date, household, linkage id, agency code or consent id of any event', () => {
    const facts = Object.values(SAMPLE_EVENTS)
      .flatMap((versions) => Object.values(versions))
      .map((event) => factOf(event))
      .filter((fact) => fact !== undefined);
    expect(facts.map((f) => f.table).sort()).toEqual([
      'consent_facts',
      'consent_facts',
      'consent_facts',
      'consent_facts',
      'ingest_facts',
      'record_change_facts',
      'trail_facts', // disclosure-recorded v1
      'trail_facts', // disclosure-recorded v2
      'trail_facts', // disclosure-recorded v3
      'trail_facts', // disclosure-recorded v4 (a link)
    ]);
    const text = JSON.stringify(facts);
    for (const personal of PERSONAL) expect(text).not.toContain(personal);
  });

  it('a record change keeps only change type, municipality and its month (a birth day is a birth date)', () => {
    const change = recordChange('r', 1, '271004');
    change.envelope.occurredAt = new Date('2025-04-17T15:00:00.000Z');
    expect(factOf(change)?.row).toEqual({
      event_id: 'r-change-1',
      at: '2025-04-01 00:00:00',
      day: '2025-04-01',
      change_type: 'MOVE_IN',
      municipality: '271004',
    });
  });

  it('days are Japanese calendar days', () => {
    expect(jstDay(new Date('2026-04-30T14:59:59Z'))).toBe('2026-04-30');
    expect(jstDay(new Date('2026-04-30T15:00:00Z'))).toBe('2026-05-01');
  });
});

describe('planning a batch', () => {
  it('a revocation takes recipient and purpose from its grant, found in ClickHouse or in the same batch', () => {
    const events = [grant('b', 1), revoke('b', 1), revoke('b', 2), revoke('b', 3)];
    expect(revokedRefs(events)).toHaveLength(3);
    const known = new Map([[consentRef('b-consent-2'), { recipient: 'earlier', purpose: 'p' }]]);
    const [consents] = planFacts(events, (ref) => known.get(ref));
    expect(consents?.rows.map((r) => 'recipient' in r && `${r.state}:${r.recipient}`)).toEqual([
      'GRANTED:mykey-portal',
      'REVOKED:mykey-portal',
      'REVOKED:earlier',
      'REVOKED:unknown',
    ]);
  });

  it('drops repeats of an event id within the batch', () => {
    const once = disclosure('b', 1, { outcome: 'DISCLOSED' });
    const [trail] = planFacts([once, once, disclosure('b', 2, { outcome: 'DISCLOSED' })], () => undefined);
    expect(trail?.rows.map((r) => r.event_id)).toEqual(['b-trail-1', 'b-trail-2']);
  });
});
