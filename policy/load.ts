import { type LegalBasisPolicy, parsePolicy } from '../core/policy/table.js';
import { readJsonFile } from './table-store.js';

/** The table shipped with the code (data beside core/policy's rules); deployments may point at another file. */
export const BUNDLED_POLICY_PATH = new URL('../core/policy/tables/legal-basis.v1.json', import.meta.url);

/**
 * The edge of core/policy: reading the legal-basis table file (core/policy validates and decides,
 * and does no I/O). Every failure — unreadable file, bad JSON, invalid rows — is a CONFIG_INVALID
 * error naming the file and, for rows, the row and field.
 */
export async function loadPolicyFile(path: string | URL): Promise<LegalBasisPolicy> {
  const source = typeof path === 'string' ? path : path.pathname;
  return parsePolicy(await readJsonFile(path, 'legal-basis table'), `legal-basis table ${source}`);
}
