import { z } from 'zod';
import { CaseReference, NON_DISCLOSURE_REASONS } from '../core/policy/non-disclosure.js';
import {
  ALLOWANCE_STATUSES,
  ASSISTANCE_STATUSES,
  CARE_LEVELS,
  CHANGE_TYPES,
  DISABILITY_CERTIFICATE_KINDS,
  DISCLOSABLE_ITEMS,
  DISCLOSURE_CHANNELS,
  DISCLOSURE_OUTCOMES,
  GENDERS,
  NOTIFICATION_ACTIONS,
  PENSION_KINDS,
  PUBLISHED_ITEMS,
  REVOCATION_REASONS,
  REVOCATION_SOURCES,
  SECURITY_EVENT_KINDS,
  TRAIL_ITEMS,
} from './enums.js';
import { CalendarDate, LinkageId, MunicipalityCode, PartyId, type Primitives } from './primitives.js';
import { buildPushEventSchemas } from './push-event-schemas.js';

const text = (max = 256) => z.string().min(1).max(max);
const sequence = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Builds every event schema for one representation of instants, yen and bytes. */
export function buildEventSchemas(p: Primitives) {
  const Envelope = z.object({
    /** Deterministic ids are allowed (e.g. derived from source file and line), so not always a UUID. */
    eventId: text(128),
    occurredAt: p.timestamp,
    recordedAt: p.timestamp,
    producer: text(128),
    correlationId: text(128),
  });
  const event = <T extends string, D extends z.ZodType>(type: T, data: D) =>
    z.object({ type: z.literal(type), envelope: Envelope, data });

  const Address = z.object({
    municipalityCode: MunicipalityCode,
    prefecture: text(16),
    city: text(64),
    street: text(),
  });
  const ResidentRecordChanged = event(
    'ResidentRecordChanged',
    z.object({
      linkageId: LinkageId,
      changeType: z.enum(CHANGE_TYPES),
      name: text(),
      nameKana: text(),
      address: Address,
      dateOfBirth: CalendarDate,
      gender: z.enum(GENDERS),
      householdId: text(64),
      sequence,
      sourceMunicipalityCode: MunicipalityCode,
    }),
  );

  const fiscalYear = z.number().int().min(1900).max(2999);
  const payloads = {
    LOCAL_TAX_INCOME: z.object({
      fiscalYear,
      taxableIncome: p.yen,
      municipalTax: p.yen,
      prefecturalTax: p.yen,
    }),
    CHILD_ALLOWANCE_STATUS: z.object({
      status: z.enum(ALLOWANCE_STATUSES),
      monthlyAmount: p.yen,
      eligibleChildren: z.number().int().min(0).max(99),
      validFrom: CalendarDate,
      validUntil: CalendarDate.nullable(),
    }),
    CARE_LEVEL: z.object({ level: z.enum(CARE_LEVELS), certifiedOn: CalendarDate, validUntil: CalendarDate }),
    PUBLIC_ASSISTANCE_STATUS: z.object({ status: z.enum(ASSISTANCE_STATUSES), since: CalendarDate }),
    PENSION_BENEFIT_AMOUNT: z.object({ pensionKind: z.enum(PENSION_KINDS), annualAmount: p.yen, fiscalYear }),
    DISABILITY_CERTIFICATE: z.object({
      certificateKind: z.enum(DISABILITY_CERTIFICATE_KINDS),
      grade: text(16),
      issuedOn: CalendarDate,
      validUntil: CalendarDate.nullable(),
    }),
  };
  const itemBase = { linkageId: LinkageId, provider: PartyId, sequence, validAsOf: CalendarDate };
  const published = <K extends keyof typeof payloads>(kind: K) =>
    z.object({ ...itemBase, itemKind: z.literal(kind), payload: payloads[kind] });
  const InformationItemPublished = event(
    'InformationItemPublished',
    z.discriminatedUnion('itemKind', [
      published('LOCAL_TAX_INCOME'),
      published('CHILD_ALLOWANCE_STATUS'),
      published('CARE_LEVEL'),
      published('PUBLIC_ASSISTANCE_STATUS'),
      published('PENSION_BENEFIT_AMOUNT'),
      published('DISABILITY_CERTIFICATE'),
    ]),
  );
  const InformationItemWithdrawn = event(
    'InformationItemWithdrawn',
    z.object({
      linkageId: LinkageId,
      provider: PartyId,
      itemKind: z.enum(PUBLISHED_ITEMS),
      sequence,
      reason: text(),
    }),
  );

  const ConsentGranted = event(
    'ConsentGranted',
    z.object({
      consentId: text(128),
      linkageId: LinkageId,
      recipient: text(128),
      purpose: text(),
      items: z.array(z.enum(DISCLOSABLE_ITEMS)).min(1),
      validFrom: p.timestamp,
      validUntil: p.timestamp,
      maxUses: z.number().int().min(1).max(2_147_483_647).nullable(),
      /** Since v2: where the resident granted it (e.g. `resident-portal`); null when unknown. */
      channel: text(64).nullable().default(null),
    }),
  );
  const ConsentRevoked = event(
    'ConsentRevoked',
    z.object({ consentId: text(128), linkageId: LinkageId, reason: text() }),
  );
  /** One use of a consent (a disclosed item it authorised), numbered from 1 per consent. */
  const ConsentUsed = event(
    'ConsentUsed',
    z.object({
      consentId: text(128),
      linkageId: LinkageId,
      useNumber: z.number().int().min(1).max(2_147_483_647),
    }),
  );

  const CertificateRevoked = event(
    'CertificateRevoked',
    z.object({
      issuer: text(1024),
      /** Lowercase hex without separators; RFC 5280 allows up to 20 octets. */
      serialNumber: z.string().regex(/^[0-9a-f]{1,40}$/, 'expected a lowercase hex serial number'),
      revokedAt: p.timestamp,
      reason: z.enum(REVOCATION_REASONS),
      source: z.enum(REVOCATION_SOURCES),
    }),
  );

  /** A verified CRL's validity window: until nextUpdate, "not in the list" means good for the issuer. */
  const RevocationListIngested = event(
    'RevocationListIngested',
    z.object({ issuer: text(1024), thisUpdate: p.timestamp, nextUpdate: p.timestamp }),
  );

  const DisclosureRecorded = event(
    'DisclosureRecorded',
    z.object({
      linkageId: LinkageId,
      requester: PartyId,
      officeWork: text(128),
      legalBasisRowId: text(128).nullable(),
      provider: PartyId,
      /** Since v3 also what only the hub hands out: AGENCY_CODE (a link), ELIGIBILITY_NOTICE. */
      itemKind: z.enum(TRAIL_ITEMS),
      outcome: z.enum(DISCLOSURE_OUTCOMES),
      refusalReason: text().nullable(),
      channel: z.enum(DISCLOSURE_CHANNELS),
      /** SHA-256 of exactly what was disclosed; null when nothing was. */
      disclosedDigest: p.bytes.refine((b) => b.length === 32, 'expected a SHA-256 digest').nullable(),
      /** Hidden from the resident until this date (e.g. an investigation); recorded all the same. */
      nonDisclosureUntil: CalendarDate.nullable(),
      /** Since v2: the consent that authorised the disclosure; null when none did. */
      consentId: text(128).nullable().default(null),
      /** Since v2: why the requester had it hidden, a code (never text); null unless at its request. */
      nonDisclosureReason: z.enum(NON_DISCLOSURE_REASONS).nullable().default(null),
      /** Since v2: the requester's case number (digit groups only); null when none was given. */
      nonDisclosureCaseReference: CaseReference.nullable().default(null),
      /** Since v3: the refusal's detail beside its code (`refusalReason`); null when none. */
      refusalDetail: text().nullable().default(null),
    }),
  );

  const AnyPayload = z.union([
    payloads.LOCAL_TAX_INCOME,
    payloads.CHILD_ALLOWANCE_STATUS,
    payloads.CARE_LEVEL,
    payloads.PUBLIC_ASSISTANCE_STATUS,
    payloads.PENSION_BENEFIT_AMOUNT,
    payloads.DISABILITY_CERTIFICATE,
  ]);
  const ResidentExcerpt = z.object({
    name: text().nullable(),
    nameKana: text().nullable(),
    address: Address.nullable(),
    dateOfBirth: CalendarDate.nullable(),
    gender: z.enum(GENDERS).nullable(),
    householdId: text(64).nullable(),
  });
  /** Sent on the recipient's own topic, keyed by its own agency code; never carries a linkage id. */
  const AgencyNotified = event(
    'AgencyNotified',
    z
      .object({
        recipient: PartyId,
        agencyCode: text(128),
        officeWork: text(128),
        legalBasisRowId: text(128),
        provider: PartyId,
        itemKind: z.enum(DISCLOSABLE_ITEMS),
        action: z.enum(NOTIFICATION_ACTIONS),
        changeType: z.enum(CHANGE_TYPES).nullable(),
        /** PUBLISHED: the item's payload, checked against `itemKind` below. */
        payload: AnyPayload.nullable(),
        validAsOf: CalendarDate.nullable(),
        withdrawalReason: text().nullable(),
        resident: ResidentExcerpt.nullable(),
        /** Since v2: the day (JST) the change or item takes effect; the envelope holds only the delivery day. */
        effectiveDate: CalendarDate.nullable().default(null),
      })
      .superRefine((data, ctx) => {
        // The union keeps the fields of the branch it matched; they must be itemKind's fields.
        if (data.payload === null) return;
        const shape = (payloads as Record<string, z.ZodObject | undefined>)[data.itemKind]?.shape;
        const fields = Object.keys(data.payload);
        if (!shape || fields.length !== Object.keys(shape).length || fields.some((f) => !(f in shape)))
          ctx.addIssue({ code: 'custom', path: ['payload'], message: 'payload does not match itemKind' });
      }),
  );

  const DeadLetterRecorded = event(
    'DeadLetterRecorded',
    z.object({
      source: text(1024),
      reason: text(2048),
      errorCode: text(64),
      /** v1: the masked bytes in clear. Since v2 empty: they are in `sealedOriginal`. */
      originalBytes: p.bytes,
      originalKey: p.bytes.nullable(),
      /** Since v2: the input file's base name, never a directory path. */
      file: text(255)
        .refine((name) => !/[/\\]/.test(name), 'expected a file base name without directories')
        .nullable()
        .default(null),
      line: z.number().int().min(1).max(2_147_483_647).nullable().default(null),
      field: text(128).nullable().default(null),
      sealedOriginal: z
        .object({
          ciphertext: p.bytes.refine((b) => b.length >= 16, 'expected AES-GCM ciphertext with its tag'),
          nonce: p.bytes.refine((b) => b.length === 12, 'expected a 12-byte nonce'),
          keyVersion: z.number().int().min(1).max(999_999),
        })
        .nullable()
        .default(null),
    }),
  );

  /** A refusal before the trail; organisations' identifiers only, never a URL, a body or an address. */
  const SecurityEventRecorded = event(
    'SecurityEventRecorded',
    z.object({
      kind: z.enum(SECURITY_EVENT_KINDS),
      route: text(256).nullable(),
      method: z
        .string()
        .regex(/^[A-Z]{1,16}$/, 'expected an HTTP method')
        .nullable(),
      status: z.number().int().min(100).max(599).nullable(),
      errorCode: text(64).nullable(),
      reason: text(256),
      agencyId: PartyId.nullable(),
      certificateSha256: p.bytes.refine((b) => b.length === 32, 'expected a SHA-256 fingerprint').nullable(),
      clientAddressHash: p.bytes.refine((b) => b.length === 16, 'expected a 16-byte keyed hash').nullable(),
    }),
  );

  /** Counts only: the file is a base name (a path could name a person's folder), rows are counted, never quoted. */
  const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
  const IngestRunCompleted = event(
    'IngestRunCompleted',
    z.object({
      system: text(64),
      file: text(255).refine((f) => !/[\\/]/.test(f), 'expected a file base name, not a path'),
      rowsRead: count,
      rowsPublished: count,
      rowsDeadLettered: count,
      rowsSkipped: count,
      startedAt: p.timestamp,
      finishedAt: p.timestamp,
    }),
  );

  const events = {
    ResidentRecordChanged,
    InformationItemPublished,
    InformationItemWithdrawn,
    ConsentGranted,
    ConsentRevoked,
    ConsentUsed,
    CertificateRevoked,
    RevocationListIngested,
    DisclosureRecorded,
    AgencyNotified,
    DeadLetterRecorded,
    SecurityEventRecorded,
    IngestRunCompleted,
    ...buildPushEventSchemas(p, Envelope),
  };
  return { Envelope, Address, ...events, TsunagiEvent: unionOf(events) };
}

/** Every event schema of `events` as one union on `type`: named once, so the union cannot miss one. */
function unionOf<T extends Record<string, z.core.$ZodTypeDiscriminable>>(events: T) {
  type EventSchema = T[keyof T];
  return z.discriminatedUnion('type', Object.values(events) as [EventSchema, ...EventSchema[]]);
}
