import avro from 'avsc';
import { TsunagiError } from '../core/errors.js';
import type { EventWire } from '../platform/event-wire.js';
import { listSubjects, loadSchema } from '../schemas/catalogue.js';
import type { AgencyCodeIssued, CertificateBound, IdentityEnrolled } from './event-log.js';

/** Encodes and decodes one record type of a hub-internal topic. */
export interface EventCodec<E> {
  encode(event: E): Promise<Buffer>;
  decode(bytes: Uint8Array): Promise<E>;
}

/** The part of the wire these codecs need. */
export type RecordWire = Pick<EventWire, 'frame' | 'unframe'>;

// Timestamps stay epoch-millisecond numbers here (no logical types): the bytes are the same either way.
const types = new Map<string, avro.Type>();
const plainType = (subject: string, version: number): avro.Type => {
  const key = `${subject}@${version}`;
  let type = types.get(key);
  if (!type) {
    type = avro.Type.forSchema(loadSchema(subject, version) as avro.Schema);
    types.set(key, type);
  }
  return type;
};

const latestVersions = new Map<string, number>();
const latestVersion = (subject: string): number => {
  let latest = latestVersions.get(subject);
  if (latest === undefined) {
    latest = listSubjects().find((s) => s.subject === subject)?.latest ?? 1;
    latestVersions.set(subject, latest);
  }
  return latest;
};

/**
 * Registry-framed Avro, like every other topic: the identity topics are hub-internal, but framing
 * makes each value say which schema wrote it, so a value of another type (or an unframed one) is
 * refused instead of being misread. Writes the folder's latest version; reads any version of it.
 */
function framedCodec<E>(wire: RecordWire, subject: string): EventCodec<E> {
  const latest = latestVersion(subject);
  const reader = plainType(subject, latest);
  return {
    encode: async (event) => wire.frame(subject, latest, reader.toBuffer(event)),
    async decode(bytes) {
      const framed = await wire.unframe(bytes);
      if (framed.subject !== subject) {
        throw new TsunagiError(
          'INPUT_INVALID',
          `a record of ${framed.subject} (schema id ${framed.schemaId}) where ${subject} was expected`,
          { path: 'value' },
        );
      }
      const writer = plainType(subject, framed.version);
      try {
        return (
          writer === reader
            ? reader.fromBuffer(framed.body)
            : reader.fromBuffer(framed.body, reader.createResolver(writer))
        ) as E;
      } catch (cause) {
        throw new TsunagiError('INPUT_INVALID', `cannot decode ${subject} v${framed.version}`, {
          path: 'value',
          cause,
        });
      }
    },
  };
}

export const identityEnrolledCodec = (wire: RecordWire): EventCodec<IdentityEnrolled> =>
  framedCodec(wire, 'identity-enrolled');
export const agencyCodeIssuedCodec = (wire: RecordWire): EventCodec<AgencyCodeIssued> =>
  framedCodec(wire, 'agency-code-issued');
export const certificateBoundCodec = (wire: RecordWire): EventCodec<CertificateBound> =>
  framedCodec(wire, 'certificate-bound');
