import type { ResidentRecord } from '../../core/resident/index.js';
import { newLinkageId } from '../../identity/linkage-id.js';
import type { Subscription } from '../../policy/subscriptions.js';
import { anEvent } from '../../schemas/testing/events.js';

/** A fictional resident and the subscriptions of the consumers' tests (events: schemas/testing/events.ts). */
const record = anEvent('ResidentRecordChanged');

export const resident = (linkageId = newLinkageId()) => ({
  linkageId,
  /** Lived in Osaka (271004), now in Chiyoda (131016). */
  record: {
    name: record.data.name,
    nameKana: record.data.nameKana,
    address: record.data.address,
    dateOfBirth: record.data.dateOfBirth,
    gender: record.data.gender,
    householdId: record.data.householdId,
    status: 'RESIDENT',
    currentMunicipality: '131016',
    previousMunicipality: '271004',
    lastChange: 'MOVE_IN',
    sequence: 7,
    occurredAt: record.envelope.occurredAt,
  } satisfies ResidentRecord,
});

export const SUBSCRIPTIONS: Subscription[] = [
  { agencyId: 'jps', officeWork: 'pension-benefit-payment', items: ['BASIC_FOUR_INFORMATION'] },
  { agencyId: 'hello-work', officeWork: 'unemployment-benefit', items: ['RESIDENT_RECORD'] },
  {
    agencyId: '131016',
    officeWork: 'child-allowance-eligibility',
    items: ['LOCAL_TAX_INCOME'],
    providers: ['previous-residence-municipality'],
  },
  { agencyId: 'vehicle-registration', officeWork: 'vehicle-registration', items: ['ADDRESS'] },
  /** No legal-basis row names isa for this office work: it must get nothing. */
  {
    agencyId: 'isa',
    officeWork: 'residence-status-review',
    items: ['BASIC_FOUR_INFORMATION', 'LOCAL_TAX_INCOME'],
  },
];
