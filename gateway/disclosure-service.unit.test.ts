import { describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.js';
import type { Consent } from '../core/consent/types.js';
import { TsunagiError } from '../core/errors.js';
import type { LegalBasisPolicy } from '../core/policy/table.js';
import type { ResidentRecord } from '../core/resident/index.js';
import { memoryView } from '../platform/memory-view.js';
import { consentKey, consentsOf, consentsView } from '../projections/consents.js';
import type { StoredItem } from '../projections/duplicate-store.js';
import type { ConsentGranted, DisclosureRecorded, TsunagiEvent } from '../schemas/events.js';
import type { DisclosureRecorder } from '../trail/recorder.js';
import { createConsentCommands } from './consent-commands.js';
import { createDisclosureService, type DisclosureRequest } from './disclosure-service.js';
import type { InquiryReadModel } from './ports.js';

const row = (overrides: Partial<LegalBasisPolicy['rows'][number]>): LegalBasisPolicy['rows'][number] => ({
  id: 'LB-0001',
  requester: 'any-municipality',
  officeWork: 'child-allowance-eligibility',
  provider: 'previous-residence-municipality',
  item: 'LOCAL_TAX_INCOME',
  effectiveFrom: '2017-11-13',
  effectiveUntil: null,
  consentRequired: false,
  ...overrides,
});
const policy: LegalBasisPolicy = {
  version: 1,
  revision: 'test',
  rows: [
    row({}),
    row({
      id: 'LB-0013',
      officeWork: 'investigation',
      provider: 'any-municipality',
      nonDisclosure: { days: 30 },
      nonDisclosureRequest: { maxDays: 365 },
    }),
    row({
      id: 'LB-0019',
      requester: 'tsubame-bank',
      officeWork: 'loan',
      provider: 'any-municipality',
      item: 'LOCAL_TAX_CERTIFICATE',
      consentRequired: true,
    }),
  ],
};
const LINKAGE = 'L-AAAAAAAAAAAAAAAAAAAAAAAAAA';
const resident = { currentMunicipality: '131016', previousMunicipality: '271004' } as ResidentRecord;
const item: StoredItem = {
  provider: '271004',
  itemKind: 'LOCAL_TAX_INCOME',
  sequence: 3,
  validAsOf: '2024-06-01',
  payload: { fiscalYear: 2024, taxableIncome: 5n, municipalTax: 1n, prefecturalTax: 2n },
  publishedAt: new Date('2024-06-01T00:00:00Z'),
  eventId: 'e1',
};
const readModel: InquiryReadModel = {
  latestItem: (_l, provider, kind) =>
    kind === 'LOCAL_TAX_INCOME' && provider !== '011002' ? { ...item, provider } : undefined,
  residentRecord: () => resident,
};

function setup(options: { consents?: Consent[]; failTrail?: boolean; failConsentLog?: boolean } = {}) {
  const recorded: DisclosureRecorded[] = [];
  const recorder: DisclosureRecorder = {
    async record(event) {
      if (options.failTrail) throw new TsunagiError('TRAIL_UNAVAILABLE', 'down');
      recorded.push(event);
      return { topic: 'trail', partition: 0, offset: String(recorded.length - 1) };
    },
    close: async () => undefined,
  };
  // The real consent view and command handler over an in-memory consents topic.
  const consentLog: TsunagiEvent[] = [];
  const view = memoryView(consentsView);
  const at = () => ({ topic: 'consents', partition: 0, offset: String(consentLog.length) });
  for (const consent of options.consents ?? []) view.apply(grantedEvent(consent), at());
  const clock = fixedClock('2026-04-01T03:00:00Z');
  let id = 0;
  const ids = () => `evt-${++id}`;
  const consentUses = createConsentCommands({
    view,
    store: {
      async append(events) {
        if (options.failConsentLog) throw new TsunagiError('BROKER_UNAVAILABLE', 'down');
        return (events as TsunagiEvent[]).map((event) => {
          consentLog.push(event);
          return at();
        });
      },
    },
    clock,
    ids,
  });
  const service = createDisclosureService({
    policy: { current: () => policy },
    consents: { consentsOf: (linkageId) => consentsOf(view, linkageId) },
    consentUses,
    readModel,
    recorder,
    clock,
    ids,
  });
  return { service, recorded, consentLog, view };
}
const grantedEvent = (consent: Consent): ConsentGranted => ({
  type: 'ConsentGranted',
  envelope: {
    eventId: `grant-${consent.consentId}`,
    occurredAt: consent.grantedAt,
    recordedAt: consent.grantedAt,
    producer: 'test',
    correlationId: 'test',
  },
  data: { ...consent, items: [...consent.items] },
});
/** The bank's consent for the loan screening, active throughout 2026. */
const bankConsent = (overrides: Partial<Consent>): Consent => ({
  consentId: 'c-1',
  linkageId: LINKAGE,
  recipient: 'tsubame-bank',
  purpose: 'loan',
  items: ['LOCAL_TAX_CERTIFICATE'],
  validFrom: new Date('2026-01-01T00:00:00Z'),
  validUntil: new Date('2027-01-01T00:00:00Z'),
  maxUses: null,
  channel: null,
  grantedAt: new Date('2026-01-01T00:00:00Z'),
  uses: 0,
  revoked: null,
  ...overrides,
});
const request = (overrides: Partial<DisclosureRequest> = {}): DisclosureRequest => ({
  requester: '131016',
  officeWork: 'child-allowance-eligibility',
  items: ['LOCAL_TAX_INCOME'],
  linkageId: LINKAGE,
  channel: 'INQUIRY',
  correlationId: 'req-1',
  ...overrides,
});

describe('disclosure service', () => {
  it('given a permitting row, when asked without a provider, then the previous municipality discloses and it is recorded', async () => {
    const { service, recorded } = setup();
    const [answer] = await service.disclose(request());
    expect(answer).toMatchObject({
      provider: '271004',
      outcome: 'DISCLOSED',
      legalBasisRowId: 'LB-0001',
      trail: { offset: '0' },
    });
    expect(answer?.data).toEqual({
      fiscalYear: 2024,
      taxableIncome: '5',
      municipalTax: '1',
      prefecturalTax: '2',
      sequence: 3,
      validAsOf: '2024-06-01',
    });
    expect(recorded[0]?.data).toMatchObject({ outcome: 'DISCLOSED', provider: '271004', channel: 'INQUIRY' });
    expect(Buffer.from(recorded[0]?.data.disclosedDigest ?? []).toString('hex')).toBe(answer?.digest);
  });

  it('records when the request arrived as occurredAt and when the record was made as recordedAt', async () => {
    const { service, recorded } = setup();
    await service.disclose(request({ receivedMsAgo: 1250 }));
    expect(recorded[0]?.envelope.occurredAt.toISOString()).toBe('2026-04-01T02:59:58.750Z');
    expect(recorded[0]?.envelope.recordedAt.toISOString()).toBe('2026-04-01T03:00:00.000Z');
  });

  it('given no row, then REFUSED NO_LEGAL_BASIS is recorded with the unspecified provider', async () => {
    const { service, recorded } = setup();
    const [answer] = await service.disclose(request({ officeWork: 'unknown-work' }));
    expect(answer).toMatchObject({ outcome: 'REFUSED', reason: 'NO_LEGAL_BASIS', provider: 'unspecified' });
    expect(answer?.data).toBeUndefined();
    expect(recorded[0]?.data).toMatchObject({ outcome: 'REFUSED', disclosedDigest: null });
  });

  it('records the later of the row and request non-disclosure dates, with the reason and case reference', async () => {
    const { service, recorded } = setup();
    const hide = { until: '2026-12-31', reason: 'TAX_INVESTIGATION' as const, caseReference: '2026-0042' };
    await service.disclose(request({ officeWork: 'investigation', nonDisclosure: hide }));
    await service.disclose(request({ officeWork: 'investigation' }));
    expect(recorded.map((r) => r.data.nonDisclosureUntil)).toEqual(['2026-12-31', '2026-05-01']);
    expect(recorded.map((r) => r.data.nonDisclosureReason)).toEqual(['TAX_INVESTIGATION', null]);
    expect(recorded[0]?.data.nonDisclosureCaseReference).toBe('2026-0042');
  });

  it('given an ordinary row, when asked to hide the inquiry until 9999-12-31, then refused, recorded and not hidden', async () => {
    const { service, recorded } = setup();
    const [answer] = await service.disclose(
      request({ nonDisclosure: { until: '9999-12-31', reason: 'CRIMINAL_INVESTIGATION' } }),
    );
    expect(answer).toMatchObject({
      outcome: 'REFUSED',
      reason: 'NON_DISCLOSURE_NO_BASIS',
      detail: 'row LB-0001 allows no hiding',
      nonDisclosureUntil: null,
    });
    expect(answer?.data).toBeUndefined();
    expect(recorded[0]?.data).toMatchObject({
      outcome: 'REFUSED',
      refusalReason: 'NON_DISCLOSURE_NO_BASIS',
      refusalDetail: 'row LB-0001 allows no hiding',
      nonDisclosureUntil: null,
      nonDisclosureReason: null,
    });
  });

  it('refuses hiding without a reason or longer than the row allows', async () => {
    const { service } = setup();
    const ask = (nonDisclosure: DisclosureRequest['nonDisclosure']) =>
      service.disclose(request({ officeWork: 'investigation', nonDisclosure }));
    expect((await ask({ until: '2026-12-31' }))[0]?.reason).toBe('NON_DISCLOSURE_REASON_MISSING');
    expect((await ask({ until: '2027-04-02', reason: 'TAX_INVESTIGATION' }))[0]).toMatchObject({
      reason: 'NON_DISCLOSURE_TOO_LONG',
      detail: 'row LB-0013 allows at most 365 days, until 2027-04-01',
    });
  });

  it('given a consent row and no consent, then CONSENT_REQUIRED; with one, the certificate is disclosed', async () => {
    const bank = request({
      requester: 'tsubame-bank',
      officeWork: 'loan',
      items: ['LOCAL_TAX_CERTIFICATE'],
      channel: 'SELF_INFORMATION',
    });
    expect((await setup().service.disclose(bank))[0]).toMatchObject({
      outcome: 'REFUSED',
      reason: 'CONSENT_REQUIRED',
    });
    const consent = bankConsent({ consentId: 'c-1' });
    const { service, recorded, consentLog } = setup({ consents: [consent] });
    expect((await service.disclose(bank))[0]).toMatchObject({ outcome: 'DISCLOSED', provider: '131016' });
    expect(recorded[0]?.data).toMatchObject({ channel: 'SELF_INFORMATION', consentId: 'c-1' });
    expect(consentLog.map((e) => e.type)).toEqual(['ConsentUsed']);
  });

  describe('maxUses', () => {
    const limited = bankConsent({ consentId: 'c-2', maxUses: 2, channel: 'resident-session' });
    const bank = request({
      requester: 'tsubame-bank',
      officeWork: 'loan',
      items: ['LOCAL_TAX_CERTIFICATE'],
      channel: 'SELF_INFORMATION',
    });

    it('given maxUses 2, when asked three times, then the third is refused USES_EXHAUSTED and recorded; uses shows 2', async () => {
      const { service, recorded, consentLog, view } = setup({ consents: [limited] });
      const outcomes = [];
      for (let n = 0; n < 3; n++) outcomes.push((await service.disclose(bank))[0]);
      expect(outcomes.map((a) => a?.outcome)).toEqual(['DISCLOSED', 'DISCLOSED', 'REFUSED']);
      expect(outcomes[2]).toMatchObject({
        reason: 'CONSENT_NOT_COVERING',
        detail: 'USES_EXHAUSTED',
        legalBasisRowId: 'LB-0019',
      });
      expect(recorded[2]?.data).toMatchObject({
        outcome: 'REFUSED',
        refusalReason: 'CONSENT_NOT_COVERING',
        refusalDetail: 'USES_EXHAUSTED',
        disclosedDigest: null,
      });
      expect(consentLog.map((e) => e.type === 'ConsentUsed' && e.data.useNumber)).toEqual([1, 2]);
      expect(view.get(consentKey(LINKAGE, 'c-2'))?.uses).toBe(2);
    });

    it('given one use left, when five requests arrive at once, then exactly one is disclosed', async () => {
      const { service, consentLog } = setup({ consents: [{ ...limited, maxUses: 1 }] });
      const answers = await Promise.all(Array.from({ length: 5 }, () => service.disclose(bank)));
      expect(answers.flat().filter((a) => a.outcome === 'DISCLOSED')).toHaveLength(1);
      expect(consentLog).toHaveLength(1);
    });

    it('given the consents topic is down, then nothing is disclosed or recorded as disclosed', async () => {
      const { service, recorded } = setup({ consents: [limited], failConsentLog: true });
      await expect(service.disclose(bank)).rejects.toMatchObject({ code: 'BROKER_UNAVAILABLE' });
      expect(recorded).toEqual([]);
    });
  });

  it('requires consent for self-information even where the row does not', async () => {
    const { service } = setup();
    const [answer] = await service.disclose(request({ channel: 'SELF_INFORMATION' }));
    expect(answer).toMatchObject({
      outcome: 'REFUSED',
      reason: 'CONSENT_REQUIRED',
      legalBasisRowId: 'LB-0001',
    });
  });

  it('given a permitted item the provider does not hold, then NOT_FOUND is recorded under the row', async () => {
    const { service, recorded } = setup();
    const [answer] = await service.disclose(request({ officeWork: 'investigation', provider: '011002' }));
    expect(answer).toMatchObject({ outcome: 'NOT_FOUND', legalBasisRowId: 'LB-0013', digest: null });
    expect(recorded[0]?.data).toMatchObject({
      outcome: 'NOT_FOUND',
      provider: '011002',
      disclosedDigest: null,
    });
  });

  it('fails with TRAIL_UNAVAILABLE, returning nothing, when the trail cannot be written', async () => {
    const { service } = setup({ failTrail: true });
    await expect(service.disclose(request())).rejects.toMatchObject({ code: 'TRAIL_UNAVAILABLE' });
  });
});
