import { describe, expect, it } from 'vitest';
import { loadSchema } from './catalogue.js';
import * as events from './events.js';
import {
  EVENT_SUBJECTS,
  EVENT_TYPES,
  eventFromJson,
  eventKey,
  eventToJson,
  parseEvent,
  type TsunagiEvent,
} from './events.js';
import { SAMPLE_EVENTS } from './testing/samples.js';
import { Topics } from './topics.js';

const samples = Object.values(SAMPLE_EVENTS).flatMap((versions) => Object.values(versions));
const resident = SAMPLE_EVENTS['resident-record-changed']?.[1] as events.ResidentRecordChanged;

/** Every enum's symbols, by subject and name, as the latest .avsc files declare them. */
function avroEnums(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const { subject, version } of Object.values(EVENT_SUBJECTS)) {
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(visit);
      else if (node && typeof node === 'object') {
        const record = node as Record<string, unknown>;
        if (record.type === 'enum') found.set(`${subject}:${record.name}`, record.symbols as string[]);
        Object.values(record).forEach(visit);
      }
    };
    visit(loadSchema(subject, version));
  }
  return found;
}

/** One enum, which must read the same in every subject that declares it. */
function avroEnum(enums: Map<string, string[]>, name: string, subject?: string): string[] | undefined {
  const lists = [...enums]
    .filter(([key]) => key.endsWith(`:${name}`) && (subject === undefined || key === `${subject}:${name}`))
    .map(([, symbols]) => JSON.stringify(symbols));
  expect(new Set(lists).size, name).toBe(1);
  return JSON.parse(lists[0] ?? 'null');
}

describe('event catalogue', () => {
  it('maps every event type to an existing topic and schema file', () => {
    const topics = new Set<string>([...Object.values(Topics), events.PER_AGENCY_TOPIC]);
    for (const type of EVENT_TYPES) {
      const { subject, topic, version } = EVENT_SUBJECTS[type];
      expect(topics.has(topic)).toBe(true);
      expect(loadSchema(subject, version).name).toBe(type);
    }
  });

  it('keeps the zod enums and the Avro enums in step', () => {
    const avro = avroEnums();
    const get = (name: string, subject?: string) => avroEnum(avro, name, subject);
    expect(get('ChangeType')).toEqual([...events.CHANGE_TYPES]);
    expect(get('Gender')).toEqual([...events.GENDERS]);
    expect(get('ItemKind')).toEqual([...events.PUBLISHED_ITEMS]);
    expect(get('DisclosableItem', 'consent-granted')).toEqual([...events.DISCLOSABLE_ITEMS]);
    expect(get('DisclosableItem', 'agency-notification')).toEqual([...events.DISCLOSABLE_ITEMS]);
    // The trail also names what only the hub hands out (a link's code, a notice).
    expect(get('DisclosableItem', 'disclosure-recorded')).toEqual([...events.TRAIL_ITEMS]);
    expect(get('AllowanceStatus')).toEqual([...events.ALLOWANCE_STATUSES]);
    expect(get('CareLevel')).toEqual([...events.CARE_LEVELS]);
    expect(get('AssistanceStatus')).toEqual([...events.ASSISTANCE_STATUSES]);
    expect(get('PensionKind')).toEqual([...events.PENSION_KINDS]);
    expect(get('DisabilityCertificateKind')).toEqual([...events.DISABILITY_CERTIFICATE_KINDS]);
    expect(get('RevocationReason')).toEqual([...events.REVOCATION_REASONS]);
    expect(get('RevocationSource')).toEqual([...events.REVOCATION_SOURCES]);
    expect(get('DisclosureOutcome')).toEqual([...events.DISCLOSURE_OUTCOMES]);
    expect(get('DisclosureChannel')).toEqual([...events.DISCLOSURE_CHANNELS]);
    expect(get('NotificationAction')).toEqual([...events.NOTIFICATION_ACTIONS]);
    expect(get('NonDisclosureReason')).toEqual([...events.NON_DISCLOSURE_REASONS]);
    expect(get('LedgerEntry')).toEqual([...events.LEDGER_ENTRIES]);
    expect(get('LedgerAction')).toEqual([...events.LEDGER_ACTIONS]);
    expect(new Set([...avro.keys()].map((key) => key.split(':')[1])).size).toBe(17);
  });
});

describe('domain event validation', () => {
  it.each(samples.map((e) => [e.type, e] as const))(
    'accepts the %s sample and round-trips its JSON',
    (_, event) => {
      expect(parseEvent(event)).toEqual(event);
      expect(eventFromJson(JSON.parse(JSON.stringify(eventToJson(event))))).toEqual(event);
    },
  );

  it('never lets a My Number pass as a linkage id, and does not echo it', () => {
    const myNumber = '123456789018';
    const attempt = () => parseEvent({ ...resident, data: { ...resident.data, linkageId: myNumber } });
    expect(attempt).toThrow(expect.objectContaining({ code: 'INPUT_INVALID', path: 'data.linkageId' }));
    expect(attempt).not.toThrow(new RegExp(myNumber));
  });

  it('refuses a payload that does not belong to its item kind', () => {
    const published = SAMPLE_EVENTS['information-item-published']?.[1] as events.InformationItemPublished;
    const wrong = { ...published, data: { ...published.data, itemKind: 'CARE_LEVEL' } };
    expect(() => parseEvent(wrong)).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
  });

  it('writes yen as decimal strings and bytes as hex in the JSON form', () => {
    const json = eventToJson(SAMPLE_EVENTS['information-item-published']?.[1] as TsunagiEvent);
    expect(json).toMatchObject({
      data: { payload: { taxableIncome: '999999999999999', prefecturalTax: '-1' } },
    });
    const trail = eventToJson(SAMPLE_EVENTS['disclosure-recorded']?.[1] as TsunagiEvent);
    expect(trail).toMatchObject({ data: { disclosedDigest: expect.stringMatching(/^[0-9a-f]{64}$/) } });
  });
});

describe('revocationReasonFromCode', () => {
  it.each([
    [0, 'UNSPECIFIED'],
    [1, 'KEY_COMPROMISE'],
    [6, 'CERTIFICATE_HOLD'],
    [8, 'REMOVE_FROM_CRL'],
    [10, 'AA_COMPROMISE'],
    [7, undefined],
    [11, undefined],
    [-1, undefined],
  ])('maps RFC 5280 code %s to %s', (code, reason) => {
    expect(events.revocationReasonFromCode(code)).toBe(reason);
  });
});

describe('eventKey', () => {
  it.each([
    ['resident-record-changed', 'lk_7Yq2mN4pR8sT1vW3'],
    ['disclosure-recorded', 'lk_7Yq2mN4pR8sT1vW3'],
    [
      'certificate-revoked',
      '0a1b2c3d4e5f:CN=Japan Agency for Local Authority Information Systems,OU=JPKI,O=JPKI,C=JP',
    ],
    ['dead-letter', 'exports/juki-20250401.csv:17'],
  ])('keys %s by %s', (subject, key) => {
    expect(eventKey(SAMPLE_EVENTS[subject]?.[1] as TsunagiEvent)).toBe(key);
  });
});
