import type { EventOf, EventType, TsunagiEvent } from '../events.js';

/**
 * One fictional event per subject version: the source of the golden fixtures (fixtures.ts) and of
 * the one fixture builder, `anEvent` (./events.ts), which other modules' tests use. No real person;
 * no My Number anywhere.
 */
const envelope = (n: number) => ({
  eventId: `evt-0000000${n}`,
  occurredAt: new Date('2025-04-01T00:30:00.000Z'),
  recordedAt: new Date('2025-04-01T00:30:01.250Z'),
  producer: 'juki-131016',
  correlationId: `import-20250401-${n}`,
});
const linkageId = 'lk_7Yq2mN4pR8sT1vW3';
const make = <T extends EventType>(type: T, n: number, data: EventOf<T>['data']) =>
  ({ type, envelope: envelope(n), data }) as EventOf<T>;

const consentData = {
  consentId: 'consent-0001',
  linkageId,
  recipient: 'mykey-portal',
  purpose: 'self-information: child-allowance application',
  items: ['LOCAL_TAX_INCOME', 'CHILD_ALLOWANCE_STATUS'],
  validFrom: new Date('2025-04-01T00:00:00.000Z'),
  validUntil: new Date('2025-09-30T15:00:00.000Z'),
  maxUses: 3,
} as const;

const disclosureData = {
  linkageId,
  requester: '011002',
  officeWork: 'child-allowance-eligibility',
  legalBasisRowId: 'lb-0001',
  provider: '271004',
  itemKind: 'LOCAL_TAX_INCOME',
  outcome: 'DISCLOSED',
  refusalReason: null,
  channel: 'INQUIRY',
  disclosedDigest: Buffer.from('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 'hex'),
  nonDisclosureUntil: '2026-03-31',
} as const;
/** Fields disclosure-recorded v1 cannot carry: their defaults, as a v1 body decodes. */
const notSinceV2 = {
  consentId: null,
  nonDisclosureReason: null,
  nonDisclosureCaseReference: null,
  refusalDetail: null,
};
const notified = {
  recipient: '131016',
  agencyCode: 'AC1-v1-7Q2XK4M9PZ3RB6TD8WJ5NC2HFA',
  officeWork: 'child-allowance-eligibility',
  legalBasisRowId: 'LB-0001',
  provider: '271004',
  itemKind: 'LOCAL_TAX_INCOME',
  action: 'PUBLISHED',
  changeType: null,
  payload: { fiscalYear: 2024, taxableIncome: 3_250_000n, municipalTax: 182_400n, prefecturalTax: 121_600n },
  validAsOf: '2024-06-01',
  withdrawalReason: null,
  resident: null,
} as const;

export const SAMPLE_EVENTS: Record<string, Record<number, TsunagiEvent>> = {
  'resident-record-changed': {
    1: make('ResidentRecordChanged', 1, {
      linkageId,
      changeType: 'MOVE_IN',
      name: '山田 太郎',
      nameKana: 'ヤマダ タロウ',
      address: { municipalityCode: '131016', prefecture: '東京都', city: '千代田区', street: '千代田1-1' },
      dateOfBirth: '1969-12-31',
      gender: 'MALE',
      householdId: 'hh-131016-000042',
      sequence: 7,
      sourceMunicipalityCode: '131016',
    }),
  },
  'information-item-published': {
    1: make('InformationItemPublished', 2, {
      linkageId,
      provider: '271004',
      itemKind: 'LOCAL_TAX_INCOME',
      payload: {
        fiscalYear: 2024,
        taxableIncome: 999_999_999_999_999n,
        municipalTax: 182_400n,
        prefecturalTax: -1n,
      },
      sequence: 3,
      validAsOf: '2024-06-01',
    }),
  },
  'information-item-withdrawn': {
    1: make('InformationItemWithdrawn', 3, {
      linkageId,
      provider: 'jps',
      itemKind: 'PENSION_BENEFIT_AMOUNT',
      sequence: 4,
      reason: 'published in error',
    }),
  },
  'consent-granted': {
    1: make('ConsentGranted', 4, { ...consentData, items: [...consentData.items], channel: null }),
    2: make('ConsentGranted', 4, {
      ...consentData,
      items: [...consentData.items],
      channel: 'resident-portal',
    }),
  },
  'consent-revoked': {
    1: make('ConsentRevoked', 5, { consentId: 'consent-0001', linkageId, reason: 'resident request' }),
  },
  'consent-used': {
    1: make('ConsentUsed', 11, { consentId: 'consent-0001', linkageId, useNumber: 1 }),
  },
  'certificate-revoked': {
    1: make('CertificateRevoked', 6, {
      issuer: 'CN=Japan Agency for Local Authority Information Systems,OU=JPKI,O=JPKI,C=JP',
      serialNumber: '0a1b2c3d4e5f',
      revokedAt: new Date('2025-03-31T15:00:00.000Z'),
      reason: 'KEY_COMPROMISE',
      source: 'CRL',
    }),
  },
  'revocation-list-ingested': {
    1: make('RevocationListIngested', 9, {
      issuer: 'CN=Japan Agency for Local Authority Information Systems,OU=JPKI,O=JPKI,C=JP',
      thisUpdate: new Date('2025-03-31T15:00:00.000Z'),
      nextUpdate: new Date('2025-04-01T15:00:00.000Z'),
    }),
  },
  'disclosure-recorded': {
    1: make('DisclosureRecorded', 7, { ...disclosureData, ...notSinceV2 }),
    2: make('DisclosureRecorded', 7, {
      ...disclosureData,
      legalBasisRowId: 'LB-0013',
      officeWork: 'public-assistance-investigation',
      consentId: null,
      nonDisclosureReason: 'BENEFIT_FRAUD_INVESTIGATION',
      nonDisclosureCaseReference: '2025-000123',
      refusalDetail: null,
    }),
    3: make('DisclosureRecorded', 7, {
      ...disclosureData,
      ...notSinceV2,
      requester: 'tsubame-bank',
      officeWork: 'housing-loan-screening',
      legalBasisRowId: 'LB-0019',
      itemKind: 'LOCAL_TAX_CERTIFICATE',
      outcome: 'REFUSED',
      refusalReason: 'CONSENT_NOT_COVERING',
      refusalDetail: 'USES_EXHAUSTED',
      channel: 'SELF_INFORMATION',
      disclosedDigest: null,
      nonDisclosureUntil: null,
    }),
  },
  'agency-notification': {
    1: make('AgencyNotified', 10, { ...notified, effectiveDate: null }),
    2: make('AgencyNotified', 10, { ...notified, effectiveDate: '2024-06-01' }),
  },
  'security-event': {
    1: make('SecurityEventRecorded', 11, {
      kind: 'AUTHENTICATION_REFUSED',
      route: '/v1/residents/:ppid/consents',
      method: 'GET',
      status: 401,
      errorCode: 'UNAUTHENTICATED',
      reason: 'CERTIFICATE_EXPIRED',
      agencyId: null,
      certificateSha256: Buffer.from(
        '5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef',
        'hex',
      ),
      clientAddressHash: Buffer.from('0f1e2d3c4b5a69788796a5b4c3d2e1f0', 'hex'),
    }),
  },
  'ingest-run-completed': {
    1: make('IngestRunCompleted', 11, {
      system: 'juki',
      file: 'juki-20250401.csv',
      rowsRead: 1204,
      rowsPublished: 1198,
      rowsDeadLettered: 6,
      rowsSkipped: 0,
      startedAt: new Date('2025-04-01T00:29:58.000Z'),
      finishedAt: new Date('2025-04-01T00:30:01.250Z'),
    }),
  },
  'dead-letter': {
    1: make('DeadLetterRecorded', 8, {
      source: 'exports/juki-20250401.csv:17',
      reason: 'dateOfBirth: expected a calendar date YYYY-MM-DD',
      errorCode: 'INPUT_INVALID',
      originalBytes: Buffer.from('************,山田 太郎,1969-02-30\n', 'utf8'),
      originalKey: null,
      file: null,
      line: null,
      field: null,
      sealedOriginal: null,
    }),
    2: make('DeadLetterRecorded', 8, {
      source: 'juki-20250401.csv:17',
      reason: 'date_of_birth: not a calendar date YYYY-MM-DD',
      errorCode: 'INPUT_INVALID',
      originalBytes: Buffer.alloc(0),
      originalKey: null,
      file: 'juki-20250401.csv',
      line: 17,
      field: 'date_of_birth',
      // Not a real ciphertext: the fixture pins the encoding, not the cryptography.
      sealedOriginal: {
        ciphertext: Buffer.from('5f1c2a9e0b7d4c3a8e6f1029384756aabbccddeeff00112233445566778899aa', 'hex'),
        nonce: Buffer.from('0102030405060708090a0b0c', 'hex'),
        keyVersion: 1,
      },
    }),
  },
};
