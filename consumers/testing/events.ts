import type { ResidentRecord } from '../../core/resident/index.js';
import { newLinkageId } from '../../identity/linkage-id.js';
import type {
  ChangeType,
  InformationItemPublished,
  InformationItemWithdrawn,
  ResidentRecordChanged,
} from '../../schemas/events.js';
import { SAMPLE_EVENTS } from '../../schemas/testing/samples.js';
import type { Subscription } from '../subscriptions.js';

/** Fictional source events and subscriptions for the consumers' tests. */
const record = SAMPLE_EVENTS['resident-record-changed']?.[1] as ResidentRecordChanged;
const published = SAMPLE_EVENTS['information-item-published']?.[1] as InformationItemPublished;
const withdrawn = SAMPLE_EVENTS['information-item-withdrawn']?.[1] as InformationItemWithdrawn;

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

export const recordChanged = (
  linkageId: string,
  eventId: string,
  changeType: ChangeType = 'ADDRESS_CHANGE',
  sequence = 8,
): ResidentRecordChanged => ({
  ...record,
  envelope: { ...record.envelope, eventId },
  data: { ...record.data, linkageId, changeType, sequence },
});

export const itemPublished = (
  linkageId: string,
  eventId: string,
  provider = '271004',
): InformationItemPublished => ({
  ...published,
  envelope: { ...published.envelope, eventId },
  data: { ...published.data, linkageId, provider },
});

export const itemWithdrawn = (
  linkageId: string,
  eventId: string,
  provider = 'jps',
): InformationItemWithdrawn => ({
  ...withdrawn,
  envelope: { ...withdrawn.envelope, eventId },
  data: { ...withdrawn.data, linkageId, provider },
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
