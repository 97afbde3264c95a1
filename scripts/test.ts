import { mkdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { provision } from '../infra/provision.js';
import { infraDown, infraUp } from '../infra/stack.js';
import { loadInfraConfig } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { runStep, say, seconds } from './run-step.js';

/**
 * The test command (`npm test`, and `.ci/run`): style and type checks, the unit tier (no servers), then the
 * integration and e2e tiers against real Kafka, registry and ClickHouse brought up by
 * infra/, then the fault tier on its own three-broker cluster (TSUNAGI_SKIP_FAULT=1 leaves it out). Servers that were already running are reused and left running; servers this
 * run started are stopped at the end (KEEP_INFRA=1 keeps them).
 */
const config = loadInfraConfig();
const logger = createLogger({ name: 'test', level: 'warn' });
const results = join(config.home, 'test-results');
mkdirSync(results, { recursive: true });

const vitest = (projects: string[], report: string) =>
  runStep('npx', [
    'vitest',
    'run',
    ...projects.flatMap((p) => ['--project', p]),
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${join(results, report)}`,
  ]);

interface TierReport {
  passed: number;
  failed: number;
  skipped: number;
  /** `file > test: first line of the error`, so the last lines of a CI log name what failed. */
  failures: string[];
}

const reportSchema = z.object({
  numPassedTests: z.number(),
  numFailedTests: z.number(),
  numPendingTests: z.number(),
  numTodoTests: z.number(),
  testResults: z.array(
    z.object({
      name: z.string(),
      message: z.string().optional(),
      status: z.string().optional(),
      assertionResults: z.array(
        z.object({
          fullName: z.string(),
          status: z.string(),
          failureMessages: z.array(z.string()).nullish(),
        }),
      ),
    }),
  ),
});

function tierReport(report: string): TierReport {
  try {
    const json = reportSchema.parse(JSON.parse(readFileSync(join(results, report), 'utf8')));
    const failures = json.testResults.flatMap((file) => {
      const where = relative(process.cwd(), file.name);
      const tests = file.assertionResults
        .filter((t) => t.status === 'failed')
        .map((t) => `${where} > ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`);
      // A file that failed outside its tests (a hook, an import) has no failed test to name.
      return tests.length === 0 && file.status === 'failed'
        ? [`${where}: ${firstLine(file.message)}`]
        : tests;
    });
    return {
      passed: json.numPassedTests,
      failed: json.numFailedTests,
      skipped: json.numPendingTests + json.numTodoTests,
      failures,
    };
  } catch {
    return { passed: 0, failed: 1, skipped: 0, failures: [`${report}: no readable report`] };
  }
}

const firstLine = (text: string | undefined): string =>
  (text ?? 'no message').split('\n', 1).join('').slice(0, 300);

async function main(): Promise<number> {
  const began = Date.now();
  say('style and types (biome check, tsc --noEmit)');
  const lintCode = await runStep('npx', ['biome', 'check', '.']);
  const typeCode =
    (await runStep('npx', ['tsc', '--noEmit', '-p', '.'])) ||
    // The resident page's browser code (DOM types) has its own project.
    (await runStep('npx', ['tsc', '--noEmit', '-p', 'gateway/resident/page']));
  if (lintCode !== 0 || typeCode !== 0) {
    console.log(
      'style or type check failed: fix these before the tiers run (`npm run lint`, `npm run typecheck`)',
    );
    return 1;
  }

  say('unit tier (pure logic, no servers)');
  const unitCode = await vitest(['unit'], 'unit.json');

  say('bringing up Kafka, the schema registry and ClickHouse (reusing any already running)');
  const up = await infraUp(config, logger);
  await provision(config, logger);
  console.log(`infra up in ${seconds(up.elapsedMs)} (started: ${up.started.join(', ') || 'none'})`);

  let serverCode = 1;
  try {
    say('integration and e2e tiers (real servers)');
    serverCode = await vitest(['int', 'e2e'], 'servers.json');
  } finally {
    if (up.started.length > 0 && process.env.KEEP_INFRA !== '1') {
      say('stopping the servers this run started');
      await infraDown(config, logger);
    }
  }
  // The fault tier brings up and stops its own three-broker cluster and registry (tests/fault/support/).
  let faultCode = 0;
  if (process.env.TSUNAGI_SKIP_FAULT === '1') say('fault tier skipped (TSUNAGI_SKIP_FAULT=1)');
  else {
    say('fault tier (its own three-broker cluster: brokers and services SIGKILLed, docs/RELIABILITY.md)');
    faultCode = await vitest(['fault'], 'fault.json');
  }
  const reports = [tierReport('unit.json'), tierReport('servers.json')];
  if (process.env.TSUNAGI_SKIP_FAULT !== '1') reports.push(tierReport('fault.json'));
  const codes = [unitCode, serverCode, faultCode];
  const passed = reports.reduce((n, r) => n + r.passed, 0);
  const failed =
    reports.reduce((n, r) => n + r.failed, 0) +
    reports.filter((r, i) => codes[i] !== 0 && r.failed === 0).length;
  console.log(`\nall tiers in ${seconds(Date.now() - began)}`);
  console.log(`${passed} passed, ${failed} failed, ${reports.reduce((n, r) => n + r.skipped, 0)} skipped`);
  for (const failure of reports.flatMap((r) => r.failures)) console.log(`FAILED ${failure}`);
  return codes.every((c) => c === 0) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
