import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Parameters } from 'fast-check';
import { loadInfraConfig } from '../../platform/config.js';

/**
 * Seeded fuzzing (issue 16, item 5): one seed per run, printed with the command that replays it.
 * `FUZZ_SEED` replays a run; `FUZZ_SCALE` multiplies every suite's case count (CI runs 1, a night
 * run may run 10). Each suite writes its seed and case count to test-results/fuzz-<suite>.json, the
 * figures docs/RELIABILITY.md reports.
 */
export const FUZZ_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;

export function fuzzRuns<T>(suite: string, cases: number, file: string): Parameters<T> {
  const numRuns = Math.max(1, Math.round(cases * Number(process.env.FUZZ_SCALE ?? '1')));
  console.log(
    `fuzz ${suite}: ${numRuns} cases, seed ${FUZZ_SEED}; replay: FUZZ_SEED=${FUZZ_SEED} npx vitest run ${file}`,
  );
  const results = join(loadInfraConfig().home, 'test-results');
  mkdirSync(results, { recursive: true });
  writeFileSync(
    join(results, `fuzz-${suite}.json`),
    `${JSON.stringify({ suite, seed: FUZZ_SEED, cases: numRuns, at: new Date().toISOString() })}\n`,
  );
  return { seed: FUZZ_SEED, numRuns, endOnFailure: true };
}
