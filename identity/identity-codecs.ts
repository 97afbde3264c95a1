import { readFileSync } from 'node:fs';
import avro from 'avsc';
import type { AgencyCodeIssued, CertificateBound, IdentityEnrolled } from './event-log.js';

/** Encodes and decodes one event type as Avro with the schema files in schemas/. */
export interface EventCodec<E> {
  encode(event: E): Buffer;
  decode(bytes: Buffer): E;
}

const schemaFile = (subject: string) =>
  JSON.parse(readFileSync(new URL(`../schemas/${subject}/v1.avsc`, import.meta.url), 'utf8')) as avro.Schema;

function avroCodec<E>(subject: string): EventCodec<E> {
  const type = avro.Type.forSchema(schemaFile(subject));
  return {
    encode: (event) => type.toBuffer(event),
    decode: (bytes) => type.fromBuffer(bytes) as E,
  };
}

/**
 * Plain Avro (no registry framing): these topics are hub-internal and read only by the hub itself.
 * Swap in a registry-framed codec if they are ever shared.
 */
export const identityEnrolledCodec: EventCodec<IdentityEnrolled> = avroCodec('identity-enrolled');
export const agencyCodeIssuedCodec: EventCodec<AgencyCodeIssued> = avroCodec('agency-code-issued');
export const certificateBoundCodec: EventCodec<CertificateBound> = avroCodec('certificate-bound');
