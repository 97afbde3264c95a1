import { randomBytes } from 'node:crypto';
import { base32, isBase32 } from './base32.js';

/**
 * The hub's internal name for a resident: 128 random bits, unrelated to the My Number, so it reveals
 * nothing even to someone holding every key. It never leaves the hub.
 */
export type LinkageId = string & { readonly __brand: 'LinkageId' };

const PREFIX = 'L-';

export const newLinkageId = (): LinkageId => `${PREFIX}${base32(randomBytes(16))}` as LinkageId;

export const isLinkageId = (value: unknown): value is LinkageId =>
  typeof value === 'string' && value.startsWith(PREFIX) && isBase32(value.slice(PREFIX.length), 26);
