import { TsunagiError } from '../core/errors.js';

/**
 * The Confluent wire format: magic byte 0, a 4-byte big-endian schema id, then the Avro body.
 * Every record on our topics is framed this way (platform/event-wire.ts), the identity topics included.
 */
const MAGIC = 0;
const HEADER_BYTES = 5;

export function frame(schemaId: number, body: Uint8Array): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt8(MAGIC, 0);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
}

/** Registry ids are positive: a header with id 0 or less is not a frame, whatever its first byte. */
export function unframe(bytes: Uint8Array): { schemaId: number; body: Buffer } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < HEADER_BYTES || buffer.readUInt8(0) !== MAGIC || buffer.readInt32BE(1) < 1) {
    throw new TsunagiError(
      'INPUT_INVALID',
      'not a schema-registry framed record (magic byte 0 and a positive 4-byte schema id expected)',
      { path: 'value' },
    );
  }
  return { schemaId: buffer.readInt32BE(1), body: buffer.subarray(HEADER_BYTES) };
}
