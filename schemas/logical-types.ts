import avro from 'avsc';
import {
  calendarDateToEpochDays,
  epochDaysToCalendarDate,
  isEncodableDate,
  isEncodableInstant,
  isYen,
} from './primitives.js';

/**
 * avsc logical types for our conventions (primitives.ts). `_toValue` returns undefined for a value
 * it cannot represent, which avsc reports as invalid instead of writing garbage. `_resolve` lets a
 * reader accept the same logical type (already converted by the writer's type) or the bare
 * underlying type (a writer schema parsed without these logical types).
 */
type Type = avro.Type;
const { LogicalType } = avro.types;

const identity = <T>(value: T): T => value;

/** `timestamp-millis` ↔ `Date`. Only instants inside `DATE_BOUNDS` (core/dates.ts) can be written. */
export class TimestampMillisType extends LogicalType {
  protected override _fromValue(millis: number): Date {
    return new Date(millis);
  }
  protected override _toValue(value: unknown): number | undefined {
    return value instanceof Date && isEncodableInstant(value) ? value.getTime() : undefined;
  }
  protected override _resolve(type: Type): ((value: unknown) => unknown) | undefined {
    if (type instanceof TimestampMillisType) return identity;
    if (avro.Type.isType(type, 'long', 'int')) return (value) => this._fromValue(value as number);
    return undefined;
  }
}

/** `date` ↔ `YYYY-MM-DD` string. Only dates inside `DATE_BOUNDS` (core/dates.ts) can be written. */
export class CalendarDateType extends LogicalType {
  protected override _fromValue(days: number): string {
    return epochDaysToCalendarDate(days);
  }
  protected override _toValue(value: unknown): number | undefined {
    return typeof value === 'string' && isEncodableDate(value) ? calendarDateToEpochDays(value) : undefined;
  }
  protected override _resolve(type: Type): ((value: unknown) => unknown) | undefined {
    if (type instanceof CalendarDateType) return identity;
    if (avro.Type.isType(type, 'int')) return (value) => this._fromValue(value as number);
    return undefined;
  }
}

/**
 * `decimal` (bytes, scale 0) ↔ `bigint` yen. Avro stores the unscaled value as big-endian two's
 * complement; we write the minimal length, so equal amounts always give equal bytes.
 */
export class YenDecimalType extends LogicalType {
  readonly precision: number;
  readonly scale: number;

  constructor(schema: avro.Schema, opts?: unknown) {
    super(schema, opts);
    const { precision, scale = 0 } = schema as { precision?: number; scale?: number };
    if (typeof precision !== 'number' || scale !== 0 || !avro.Type.isType(this.underlyingType, 'bytes')) {
      // avsc then falls back to the underlying bytes type, as the Avro spec requires.
      throw new Error('only bytes decimals with scale 0 (yen) are supported');
    }
    this.precision = precision;
    this.scale = scale;
  }
  protected override _fromValue(bytes: Buffer): bigint {
    return fromTwosComplement(bytes);
  }
  protected override _toValue(value: unknown): Buffer | undefined {
    if (
      typeof value !== 'bigint' ||
      !isYen(value) ||
      value.toString().replace('-', '').length > this.precision
    ) {
      return undefined;
    }
    return toTwosComplement(value);
  }
  protected override _resolve(type: Type): ((value: unknown) => unknown) | undefined {
    if (type instanceof YenDecimalType && type.precision <= this.precision) return identity;
    return undefined;
  }
  protected override _export(schema: avro.Schema): void {
    Object.assign(schema, { precision: this.precision, scale: this.scale });
  }
}

export function toTwosComplement(value: bigint): Buffer {
  let length = 1;
  while (value < -(1n << BigInt(8 * length - 1)) || value >= 1n << BigInt(8 * length - 1)) length++;
  const unsigned = value < 0n ? (1n << BigInt(8 * length)) + value : value;
  return Buffer.from(unsigned.toString(16).padStart(2 * length, '0'), 'hex');
}

export function fromTwosComplement(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  const unsigned = BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
  const signBit = 1n << BigInt(8 * bytes.length - 1);
  return unsigned >= signBit ? unsigned - (signBit << 1n) : unsigned;
}

/**
 * The avsc options every Avro type in Tsunagi is built with. Pass the same object to the registry
 * client: `new SchemaRegistry({ host }, { [SchemaType.AVRO]: avroOptions })`, which spreads it into
 * each `Type.forSchema` call. Frozen because avsc writes a `registry` of named types into the options
 * object it is given: always spread it (`{ ...avroOptions }`), never pass it to avsc directly.
 */
export const avroOptions = Object.freeze({
  logicalTypes: Object.freeze({
    'timestamp-millis': TimestampMillisType,
    date: CalendarDateType,
    decimal: YenDecimalType,
  }),
  /** Nullable fields read as `T | null`; the item payload union (several records) stays wrapped. */
  wrapUnions: 'auto' as const,
});
