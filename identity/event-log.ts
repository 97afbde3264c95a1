import { TsunagiError } from '../core/errors.js';

/**
 * The identity hub's durability port. Production appends to an internal Kafka topic
 * (kafka-enrolment-log.ts); tests use an in-memory log. Guarantees an adapter must give:
 * `append` resolves only once the entry is durably acknowledged (Kafka: acks=all), and `replay`
 * delivers every entry appended before it was called, in append order per key.
 */
export interface EventLog<E> {
  append(entry: E): Promise<void>;
  replay(onEntry: (entry: E) => void | Promise<void>): Promise<void>;
}

/**
 * Appends and waits for the log's acknowledgement; whatever the adapter threw becomes
 * BROKER_UNAVAILABLE (retriable) naming `what`, unless it already is a TsunagiError.
 */
export async function appendToLog<E>(log: EventLog<E>, entry: E, what: string): Promise<void> {
  try {
    await log.append(entry);
  } catch (cause) {
    if (cause instanceof TsunagiError) throw cause;
    throw new TsunagiError('BROKER_UNAVAILABLE', `${what} could not be appended to the log`, { cause });
  }
}

/** One vault entry: what the hub keeps of an enrolment, without the My Number or a clear linkage id. */
export interface IdentityEnrolled {
  /** HMAC-SHA-256 of the My Number under the `vault-lookup` subkey of `keyVersion`. */
  keyedHash: Buffer;
  /** Vault key version of both the keyed hash and the sealed linkage id. */
  keyVersion: number;
  /** AES-256-GCM of the linkage id, tag appended, the keyed hash as associated data. */
  sealedLinkageId: Buffer;
  nonce: Buffer;
  /** Epoch milliseconds. */
  enrolledAt: number;
}

export type EnrolmentLog = EventLog<IdentityEnrolled>;

export type CodeKind = 'AGENCY_CODE' | 'PPID';

/**
 * A code issued to an agency (機関別符号) or a PPID issued to a service. The linkage id is sealed:
 * the topic is hub-internal, but a copied topic or backup must not let codes be joined.
 */
export interface AgencyCodeIssued {
  codeKind: CodeKind;
  /** The agency, or for a PPID the service. */
  agencyId: string;
  agencyCode: string;
  /** Hub key version the code was made with (also visible in the code). */
  keyVersion: number;
  sealedLinkageId: Buffer;
  nonce: Buffer;
  /** Vault key version of the sealed linkage id. */
  sealKeyVersion: number;
  issuedAt: number;
}

export type AgencyCodeLog = EventLog<AgencyCodeIssued>;

/**
 * A JPKI user-identification certificate bound to a resident (card issuance). Neither the certificate
 * nor the resident is readable from it: the certificate name (issuer + serial) only as a keyed hash,
 * the linkage id sealed with that hash in the associated data.
 */
export interface CertificateBound {
  /** HMAC-SHA-256 of the canonical certificate name under the `certificate-lookup` subkey of `keyVersion`. */
  keyedHash: Buffer;
  /** Vault key version of both the keyed hash and the sealed linkage id. */
  keyVersion: number;
  /** AES-256-GCM of the linkage id, tag appended; AAD `certificate/v<keyVersion>/<hex keyedHash>`. */
  sealedLinkageId: Buffer;
  nonce: Buffer;
  /** Epoch milliseconds. */
  boundAt: number;
}

export type CertificateBindingLog = EventLog<CertificateBound>;
