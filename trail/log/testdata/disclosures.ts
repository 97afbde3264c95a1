import { digestOf, disclosureRecorded } from '../../disclosure.js';

/** A disclosure record for integration tests (fictional codes, no personal data). */
export const testDisclosure = (n: number) =>
  disclosureRecorded(
    {
      linkageId: `lnk_merkle_${n % 5}_abc`,
      requester: '131016',
      officeWork: 'child-allowance-eligibility',
      legalBasisRowId: 'LB-0001',
      provider: '271004',
      itemKind: 'LOCAL_TAX_INCOME',
      outcome: n % 7 === 0 ? 'REFUSED' : 'DISCLOSED',
      refusalReason: n % 7 === 0 ? 'NO_LEGAL_BASIS' : null,
      channel: 'INQUIRY',
      disclosedDigest: digestOf(`payload-${n}`),
      nonDisclosureUntil: null,
    },
    {
      eventId: `evt-merkle-${n}`,
      at: new Date(Date.UTC(2026, 3, 1, 0, 0, n)),
      producer: 'gateway',
      correlationId: `req-merkle-${n}`,
    },
  );
