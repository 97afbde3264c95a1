import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { base32, isBase32 } from './base32.js';
import type { CodeKind } from './event-log.js';
import { type KeyRing, subkey } from './keys.js';
import type { LinkageId } from './linkage-id.js';

/** An agency's own name for a resident (機関別符号). */
export type AgencyCode = string & { readonly __brand: 'AgencyCode' };
/** A service's own name for a resident (pairwise pseudonymous identifier). */
export type Ppid = string & { readonly __brand: 'Ppid' };

/** Agency and service ids: short, printable, no separator that could make two inputs hash alike. */
export const HolderId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'an id of 1-64 letters, digits, . _ -');

const PREFIX: Record<CodeKind, string> = { AGENCY_CODE: 'AC1', PPID: 'PP1' };
const BODY_CHARS = 32; // 20 bytes of HMAC-SHA-256: 160 bits, collision-free at any population size
const CODE_PATTERN = /^(AC1|PP1)-v([1-9][0-9]{0,5})-([A-Z2-7]{32})$/;

/**
 * The code of (holder, resident) under one hub key version: HMAC of the holder id and the linkage id,
 * under a subkey per kind. Deterministic, so re-issuing after a failure yields the same code; one-way,
 * so two agencies' codes for one person cannot be joined without the hub key. Format:
 * `AC1-v<keyVersion>-<32 base32>` for agency codes, `PP1-v<keyVersion>-<32 base32>` for PPIDs.
 */
export function deriveCode(
  hubKeys: KeyRing,
  kind: CodeKind,
  keyVersion: number,
  holderId: string,
  linkageId: LinkageId,
): string {
  const purpose = kind === 'AGENCY_CODE' ? 'agency-code' : 'ppid';
  const mac = createHmac('sha256', subkey(hubKeys, keyVersion, purpose))
    .update(`${holderId}\n${linkageId}`, 'utf8')
    .digest();
  return `${PREFIX[kind]}-v${keyVersion}-${base32(mac.subarray(0, 20))}`;
}

export interface ParsedCode {
  kind: CodeKind;
  keyVersion: number;
}

/** Reads kind and key version from a code's text; undefined when it is not a well-formed code. */
export function parseCode(code: unknown): ParsedCode | undefined {
  if (typeof code !== 'string') return undefined;
  const match = CODE_PATTERN.exec(code);
  if (!match?.[3] || !isBase32(match[3], BODY_CHARS)) return undefined;
  return { kind: match[1] === 'AC1' ? 'AGENCY_CODE' : 'PPID', keyVersion: Number(match[2]) };
}
