import { parseArgs } from 'node:util';
import { createLogger, type Logger } from '../../platform/logger.js';
import { formatProfile } from './profile-summary.js';
import { type BenchResult, formatResult, machineNow, writeResult } from './report.js';

export interface BenchContext {
  /** A seconds-long run of the same code paths (smoke test, CI); figures are not meaningful. */
  quick: boolean;
  /** Also profile the measured processes (in a separate pass, so the figures are not disturbed). */
  profile: boolean;
  logger: Logger;
  /** Prints a progress line with the seconds since the start. */
  stage(what: string): void;
  options: Record<string, string | boolean | undefined>;
}

type Measured = Pick<BenchResult, 'versions' | 'settings' | 'figures' | 'peakRssMiB' | 'profiles'>;

/**
 * The common entry of every benchmark script: `--quick`, `--profile`, `--out DIR`, plus the
 * script's own string options; prints the table, writes the JSON, exits.
 */
export function benchMain(
  meta: { benchmark: string; title: string; options?: Record<string, { default: string }> },
  run: (context: BenchContext) => Promise<Measured>,
): void {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      out: { type: 'string' },
      ...Object.fromEntries(
        Object.entries(meta.options ?? {}).map(([k, v]) => [
          k,
          { type: 'string' as const, default: v.default },
        ]),
      ),
    },
  });
  const machine = machineNow();
  const began = performance.now();
  const logger = createLogger({ name: `bench-${meta.benchmark}`, level: process.env.LOG_LEVEL ?? 'error' });
  console.log(`${meta.benchmark.toUpperCase()} ${meta.title}: running${values.quick ? ' (quick)' : ''}…`);
  const stage = (what: string) =>
    console.log(`  [${((performance.now() - began) / 1000).toFixed(1)} s] ${what}`);
  run({ quick: Boolean(values.quick), profile: Boolean(values.profile), logger, stage, options: values })
    .then((measured) => {
      const result: BenchResult = {
        benchmark: meta.benchmark,
        title: meta.title,
        at: new Date().toISOString(),
        elapsedSeconds: (performance.now() - began) / 1000,
        machine,
        ...measured,
        settings: { quick: Boolean(values.quick), ...measured.settings },
      };
      console.log(formatResult(result));
      for (const profile of result.profiles ?? []) console.log(formatProfile(profile));
      console.log(`  written ${writeResult(result, values.out as string | undefined)}`);
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
