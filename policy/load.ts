import { readFile } from 'node:fs/promises';
import { TsunagiError } from '../core/errors.js';
import { type LegalBasisPolicy, parsePolicy } from '../core/policy/table.js';

/** The table shipped with the code (data beside core/policy's rules); deployments may point at another file. */
export const BUNDLED_POLICY_PATH = new URL('../core/policy/tables/legal-basis.v1.json', import.meta.url);

/**
 * The edge of core/policy: reading the legal-basis table file (core/policy validates and decides,
 * and does no I/O). Reads and validates a legal-basis table file. Every failure — unreadable file,
 * bad JSON, invalid rows — is a CONFIG_INVALID error naming the file and, for rows,
 * the row and field.
 */
export async function loadPolicyFile(path: string | URL): Promise<LegalBasisPolicy> {
  const source = typeof path === 'string' ? path : path.pathname;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new TsunagiError('CONFIG_INVALID', `legal-basis table ${source} cannot be read`, {
      path: source,
      cause,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new TsunagiError('CONFIG_INVALID', `legal-basis table ${source} is not JSON: ${reason}`, {
      path: source,
      cause,
    });
  }
  return parsePolicy(json, `legal-basis table ${source}`);
}
