import type { Logger } from 'pino';
import { type EligibilityRules, parseEligibilityRules } from '../core/eligibility/table.js';
import type { LegalBasisPolicy } from '../core/policy/table.js';
import { createTableStore, readJsonFile, type TableStore } from './table-store.js';

/** The edge of core/eligibility: reading its rules file. The rules shipped with the code; a deployment points the notices service at its own file. */
export const BUNDLED_RULES_PATH = new URL(
  '../core/eligibility/rules/eligibility-rules.v1.json',
  import.meta.url,
);

/**
 * Reads and validates an eligibility rules file: CONFIG_INVALID naming the file, and for a rule its
 * id and field. With `policy`, each rule's legal-basis row must exist and fit the rule.
 */
export async function loadEligibilityRulesFile(
  path: string | URL,
  policy?: LegalBasisPolicy,
): Promise<EligibilityRules> {
  const source = typeof path === 'string' ? path : path.pathname;
  return parseEligibilityRules(
    await readJsonFile(path, 'eligibility rules'),
    `eligibility rules ${source}`,
    policy,
  );
}

/**
 * The rules in force, swapped whole on reload (policy/table-store.ts); checked against the legal-basis
 * table in force at each load. The first load must succeed.
 */
export function createEligibilityRulesStore(options: {
  path: string | URL;
  policy: () => LegalBasisPolicy;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  watch?: boolean;
  debounceMs?: number;
}): Promise<TableStore<EligibilityRules>> {
  return createTableStore({
    ...options,
    what: 'eligibility rules',
    load: (path) => loadEligibilityRulesFile(path, options.policy()),
    summary: (table) => ({ rules: table.rules.length }),
  });
}
