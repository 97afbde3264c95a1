import type {
  CertificateRevoked,
  ConsentGranted,
  ConsentRevoked,
  ConsentUsed,
  DisclosureRecorded,
  InformationItemPublished,
  InformationItemWithdrawn,
  ResidentRecordChanged,
} from '../../schemas/events.js';

/** Fictional events for projection tests. No real person; no My Number. */
const envelope = (id: string, at = '2025-04-01T00:00:00.000Z') => ({
  eventId: id,
  occurredAt: new Date(at),
  recordedAt: new Date(at),
  producer: 'projection-test',
  correlationId: `corr-${id}`,
});

export const residentChanged = (
  linkageId: string,
  sequence: number,
  over: Partial<ResidentRecordChanged['data']> = {},
): ResidentRecordChanged => ({
  type: 'ResidentRecordChanged',
  envelope: envelope(`rr-${linkageId}-${sequence}`),
  data: {
    linkageId,
    changeType: 'REGISTRATION',
    name: '試験 花子',
    nameKana: 'シケン ハナコ',
    address: { municipalityCode: '131016', prefecture: '東京都', city: '千代田区', street: '千代田1-1' },
    dateOfBirth: '1990-01-02',
    gender: 'FEMALE',
    householdId: 'hh-0001',
    sequence,
    sourceMunicipalityCode: '131016',
    ...over,
  },
});

export const itemPublished = (
  linkageId: string,
  provider: string,
  sequence: number,
  municipalTax = 100_000n,
): InformationItemPublished => ({
  type: 'InformationItemPublished',
  envelope: envelope(`ip-${linkageId}-${provider}-${sequence}`),
  data: {
    linkageId,
    provider,
    sequence,
    validAsOf: '2024-06-01',
    itemKind: 'LOCAL_TAX_INCOME',
    payload: { fiscalYear: 2024, taxableIncome: 3_000_000n, municipalTax, prefecturalTax: 40_000n },
  },
});

export const careLevelPublished = (
  linkageId: string,
  provider: string,
  sequence: number,
): InformationItemPublished => ({
  type: 'InformationItemPublished',
  envelope: envelope(`ic-${linkageId}-${provider}-${sequence}`),
  data: {
    linkageId,
    provider,
    sequence,
    validAsOf: '2024-06-01',
    itemKind: 'CARE_LEVEL',
    payload: { level: 'CARE_2', certifiedOn: '2024-05-01', validUntil: '2026-04-30' },
  },
});

export const itemWithdrawn = (
  linkageId: string,
  provider: string,
  sequence: number,
): InformationItemWithdrawn => ({
  type: 'InformationItemWithdrawn',
  envelope: envelope(`iw-${linkageId}-${provider}-${sequence}`),
  data: { linkageId, provider, itemKind: 'LOCAL_TAX_INCOME', sequence, reason: 'assessment corrected' },
});

export const consentGranted = (linkageId: string, consentId: string): ConsentGranted => ({
  type: 'ConsentGranted',
  envelope: envelope(`cg-${consentId}`),
  data: {
    consentId,
    linkageId,
    recipient: 'tsubame-bank',
    purpose: 'housing-loan-screening',
    items: ['LOCAL_TAX_INCOME'],
    validFrom: new Date('2025-04-01T00:00:00.000Z'),
    validUntil: new Date('2025-10-01T00:00:00.000Z'),
    maxUses: 3,
    channel: 'resident-portal',
  },
});

export const consentRevoked = (
  linkageId: string,
  consentId: string,
  at = '2025-05-01T00:00:00.000Z',
): ConsentRevoked => ({
  type: 'ConsentRevoked',
  envelope: envelope(`cr-${consentId}-${at}`, at),
  data: { consentId, linkageId, reason: 'RESIDENT_REQUEST' },
});

export const consentUsed = (linkageId: string, consentId: string, useNumber: number): ConsentUsed => ({
  type: 'ConsentUsed',
  envelope: envelope(`cu-${consentId}-${useNumber}`),
  data: { consentId, linkageId, useNumber },
});

export const certificateRevoked = (serialNumber: string, revokedAt: string): CertificateRevoked => ({
  type: 'CertificateRevoked',
  envelope: envelope(`cert-${serialNumber}-${revokedAt}`),
  data: {
    issuer: 'CN=Test JPKI CA,O=Tsunagi Test,C=JP',
    serialNumber,
    revokedAt: new Date(revokedAt),
    reason: 'KEY_COMPROMISE',
    source: 'CRL',
  },
});

export const disclosureRecorded = (linkageId: string, n: number): DisclosureRecorded => ({
  type: 'DisclosureRecorded',
  envelope: envelope(`dr-${linkageId}-${n}`, new Date(Date.UTC(2025, 3, 1, 0, n)).toISOString()),
  data: {
    linkageId,
    requester: '271004',
    officeWork: 'child-allowance-eligibility',
    legalBasisRowId: 'row-001',
    provider: '131016',
    itemKind: 'LOCAL_TAX_INCOME',
    outcome: 'DISCLOSED',
    refusalReason: null,
    channel: 'INQUIRY',
    disclosedDigest: new Uint8Array(32).fill(n % 256),
    nonDisclosureUntil: null,
    consentId: null,
    nonDisclosureReason: null,
    nonDisclosureCaseReference: null,
    refusalDetail: null,
  },
});
