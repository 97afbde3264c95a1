import { readJsonFile } from '../table-store.js';
import { type LegalBasisPolicy, parsePolicy } from './table.js';

/** The table shipped with the code; deployments may point the gateway at another file. */
export const BUNDLED_POLICY_PATH = new URL('./tables/legal-basis.v1.json', import.meta.url);

/**
 * Reads and validates a legal-basis table file. Every failure — unreadable file,
 * bad JSON, invalid rows — is a CONFIG_INVALID error naming the file and, for rows,
 * the row and field.
 */
export async function loadPolicyFile(path: string | URL): Promise<LegalBasisPolicy> {
  const source = typeof path === 'string' ? path : path.pathname;
  return parsePolicy(await readJsonFile(path, 'legal-basis table'), `legal-basis table ${source}`);
}
