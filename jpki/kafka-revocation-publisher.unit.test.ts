import { describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.js';
import type { EventStore } from '../platform/event-store.js';
import { encodeEvent } from '../schemas/codec.js';
import { parseEvent, type TsunagiEvent } from '../schemas/events.js';
import { parseCliArguments } from './cli.js';
import { createKafkaRevocationPublisher } from './kafka-revocation-publisher.js';
import { type RevocationReason, RevocationReasonCode } from './revocation.js';
import { fromWireReason, toDomainEvent, toWireReason } from './revocation-events.js';
import { silentLogger } from './testing/pki/support.js';
import { ingestedDraft, revocationRows, revokedDraft } from './testing/revocations.js';

const ISSUER = 'C=JP,O=Tsunagi Test JPKI,CN=Test Issuing CA';
const revoked = revokedDraft(ISSUER, '7e57', '2026-03-31T09:30:00Z', 'keyCompromise');
const marker = ingestedDraft(ISSUER, '2026-03-31T12:00:00Z', '2026-04-01T12:00:00Z');
const context = { recordedAt: new Date('2026-04-01T00:00:00Z'), producer: 'jpki', correlationId: 'c-1' };

function recordingPublisher() {
  const sent: TsunagiEvent[][] = [];
  const events: Pick<EventStore, 'append'> = {
    append: async (batch) => {
      sent.push([...(batch as TsunagiEvent[])]);
      return [];
    },
  };
  return { sent, events };
}

describe('certificate status ↔ domain events', () => {
  it('maps every CRLReason both ways', () => {
    for (const reason of Object.keys(RevocationReasonCode) as RevocationReason[]) {
      expect(fromWireReason(toWireReason(reason))).toBe(reason);
    }
    expect(toWireReason('removeFromCRL')).toBe('REMOVE_FROM_CRL');
    expect(toWireReason('aACompromise')).toBe('AA_COMPROMISE');
  });

  it('gives valid, encodable events that state what the status states', () => {
    for (const status of [revoked, marker]) {
      const domain = toDomainEvent(status, context);
      expect(parseEvent(domain)).toEqual(domain);
      expect(encodeEvent(domain).length).toBeGreaterThan(0);
      expect({ type: domain.type, data: domain.data }).toEqual(status);
    }
  });

  it('derives the event id from what the event states, not from when it was published', () => {
    const later = { ...context, recordedAt: new Date('2026-05-01T00:00:00Z'), correlationId: 'c-2' };
    expect(toDomainEvent(revoked, later).envelope.eventId).toBe(
      toDomainEvent(revoked, context).envelope.eventId,
    );
    const other = revokedDraft(ISSUER, '7e58', '2026-03-31T09:30:00Z');
    expect(toDomainEvent(other, context).envelope.eventId).not.toBe(
      toDomainEvent(revoked, context).envelope.eventId,
    );
    expect(toDomainEvent(marker, later).envelope.eventId).toMatch(/^crl-ing-[0-9a-f]{64}$/);
  });
});

describe('createKafkaRevocationPublisher', () => {
  it('publishes in one batch with one correlation id', async () => {
    const { sent, events } = recordingPublisher();
    const publisher = createKafkaRevocationPublisher({
      events,
      clock: fixedClock('2026-04-01T00:00:00Z'),
      logger: silentLogger(),
      newCorrelationId: () => 'batch-1',
    });
    expect(await publisher.publishCounted([revoked, marker])).toEqual({ published: 2, skipped: 0 });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.map((e) => [e.type, e.envelope.correlationId])).toEqual([
      ['CertificateRevoked', 'batch-1'],
      ['RevocationListIngested', 'batch-1'],
    ]);
  });

  it('given a view that already holds them, publishes nothing', async () => {
    const { sent, events } = recordingPublisher();
    const publisher = createKafkaRevocationPublisher({
      events,
      clock: fixedClock('2026-04-01T00:00:00Z'),
      logger: silentLogger(),
      knownRevocations: revocationRows([revoked, marker]),
    });
    expect(await publisher.publishCounted([revoked, marker])).toEqual({ published: 0, skipped: 2 });
    const newer = ingestedDraft(ISSUER, '2026-04-01T12:00:00Z', '2026-04-02T12:00:00Z');
    expect(await publisher.publishCounted([revoked, newer, newer])).toEqual({ published: 1, skipped: 2 });
    expect(sent.flat().map((e) => e.type)).toEqual(['RevocationListIngested']);
  });

  it('lets a broker failure through, so the ingest is not reported as done', async () => {
    const events: Pick<EventStore, 'append'> = {
      append: async () => {
        throw new Error('not acknowledged');
      },
    };
    const publisher = createKafkaRevocationPublisher({
      events,
      clock: fixedClock('2026-04-01'),
      logger: silentLogger(),
    });
    await expect(publisher.publish([revoked])).rejects.toThrow('not acknowledged');
  });
});

describe('jpki CLI arguments', () => {
  it('reads crl-ingest with its issuer certificate and interval', () => {
    expect(
      parseCliArguments([
        'crl-ingest',
        'https://crl.example/ca.crl',
        '--issuer-cert',
        'ca.pem',
        '--every',
        '60',
      ]),
    ).toEqual({
      command: 'crl-ingest',
      sources: ['https://crl.example/ca.crl'],
      issuerCert: 'ca.pem',
      everyMinutes: 60,
    });
  });

  it('refuses a missing issuer certificate with INPUT_INVALID', () => {
    expect(() => parseCliArguments(['crl-ingest', 'ca.crl'])).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID', path: 'issuerCert' }),
    );
  });
});
