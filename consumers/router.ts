import { assertNever } from '../core/errors.js';
import { type DisclosableItem, registryItemsChangedBy, residentRecordHolders } from '../core/items.js';
import {
  type DisclosureRefusal,
  decideDisclosure,
  isMunicipality,
  type LegalBasisPolicy,
  type LegalBasisRow,
  type LegalDate,
  legalDateOf,
} from '../core/policy/index.js';
import type { ResidentRecord } from '../core/resident/index.js';
import { providerPatternMatches, type Subscription } from '../policy/subscriptions.js';
import type { TsunagiEvent } from '../schemas/events.js';

/** What a source event offers to subscribers: which items, from which provider(s). */
export interface Offer {
  linkageId: string;
  items: readonly DisclosableItem[];
  /** Who holds the data, in the table's words; the first one the table permits is cited. */
  providers: readonly string[];
}

/**
 * A resident record change is held by the resident registry and the municipality that filed it
 * (core/items): it matches a row that names the municipality (or any-municipality) and one that
 * names `resident-registry`.
 */
export function offerOf(event: TsunagiEvent): Offer | undefined {
  switch (event.type) {
    case 'ResidentRecordChanged': {
      const { data } = event;
      return {
        linkageId: data.linkageId,
        items: registryItemsChangedBy(data.changeType),
        providers: residentRecordHolders(data.sourceMunicipalityCode),
      };
    }
    case 'InformationItemPublished':
    case 'InformationItemWithdrawn':
      return {
        linkageId: event.data.linkageId,
        items: [event.data.itemKind],
        providers: [event.data.provider],
      };
    case 'ConsentGranted':
    case 'ConsentRevoked':
    case 'ConsentUsed':
    case 'CertificateRevoked':
    case 'RevocationListIngested':
    case 'DisclosureRecorded':
    case 'DeadLetterRecorded':
    case 'AgencyNotified':
    case 'SecurityEventRecorded':
    case 'IngestRunCompleted':
    case 'ResidentLedgerChanged':
    case 'EligibilityNoticeIssued':
    case 'EligibilityNoticeDeclined':
    case 'EligibilityNoticeDelivered':
      return undefined;
    default:
      return assertNever(event, 'event type');
  }
}

export interface RoutingContext {
  subscriptions: readonly Subscription[];
  policy: LegalBasisPolicy;
  /** The resident's record as it stands after the event (the view, evolved with a record change). */
  resident: ResidentRecord | undefined;
  /** The legal date the notification is sent on; the basis must hold then too. */
  sendingOn: LegalDate;
}

/** One notification the hub may send: recipient, office work, item, the provider cited and the row. */
export interface PlannedNotification {
  recipient: string;
  officeWork: string;
  item: DisclosableItem;
  provider: string;
  row: LegalBasisRow;
  revision: string;
  nonDisclosureUntil: LegalDate | null;
}

export type WithheldReason = DisclosureRefusal | 'OUTSIDE_JURISDICTION' | 'PROVIDER_NOT_SUBSCRIBED';
export interface Withheld {
  recipient: string;
  officeWork: string;
  item: DisclosableItem;
  reason: WithheldReason;
}

export interface Routing {
  notify: PlannedNotification[];
  /** Subscribed but not entitled: nothing is sent (default deny). */
  withheld: Withheld[];
}

/**
 * Default deny: an agency is notified of an item only when its subscription names the item (and,
 * if it lists providers, the provider), a municipality only about its own residents, and the
 * legal-basis table permits (agency, office work) → (provider, item) both on the event's legal
 * date and on the sending date, without consent (a subscription cannot carry a resident's consent).
 * "Previous residence" is the resident record's. Pure and deterministic.
 */
export function routeEvent(event: TsunagiEvent, context: RoutingContext): Routing {
  const offer = offerOf(event);
  const routing: Routing = { notify: [], withheld: [] };
  if (!offer) return routing;
  const previous = context.resident?.previousMunicipality ?? null;
  const eventDate = legalDateOf(event.envelope.occurredAt);
  for (const subscription of context.subscriptions) {
    const { agencyId: recipient, officeWork } = subscription;
    for (const item of offer.items.filter((i) => subscription.items.includes(i))) {
      const withhold = (reason: WithheldReason) =>
        routing.withheld.push({ recipient, officeWork, item, reason });
      if (isMunicipality(recipient) && context.resident?.currentMunicipality !== recipient) {
        withhold('OUTSIDE_JURISDICTION');
        continue;
      }
      const providers = offer.providers.filter(
        (p) =>
          !subscription.providers ||
          subscription.providers.some((s) => providerPatternMatches(s, p, previous)),
      );
      if (providers.length === 0) {
        withhold('PROVIDER_NOT_SUBSCRIBED');
        continue;
      }
      let refusal: DisclosureRefusal = 'NO_LEGAL_BASIS';
      let planned: PlannedNotification | undefined;
      for (const provider of providers) {
        const decide = (on: LegalDate) =>
          decideDisclosure(
            context.policy,
            { requester: recipient, officeWork, provider, item, on },
            { resident: context.resident ?? null },
          );
        const atEvent = decide(eventDate);
        const atSending = decide(context.sendingOn);
        if (atEvent.ok && atSending.ok) {
          planned = {
            recipient,
            officeWork,
            item,
            provider,
            row: atEvent.row,
            revision: atEvent.revision,
            nonDisclosureUntil: atEvent.nonDisclosureUntil,
          };
          break;
        }
        refusal = !atEvent.ok ? atEvent.reason : !atSending.ok ? atSending.reason : refusal;
      }
      if (planned) routing.notify.push(planned);
      else withhold(refusal);
    }
  }
  return routing;
}
