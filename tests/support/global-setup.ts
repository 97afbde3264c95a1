import { provision } from '../../infra/provision.js';
import { infraUp } from '../../infra/stack.js';
import { loadInfraConfig } from '../../platform/config.js';
import { createLogger } from '../../platform/logger.js';

/**
 * Integration and e2e tiers need real Kafka, the registry and ClickHouse. This brings
 * them up through infra/ (reusing servers already running) and provisions them.
 * It never stops them: `npm test` (scripts/test.ts) stops what it started itself.
 */
export async function setup(): Promise<void> {
  const config = loadInfraConfig();
  const logger = createLogger({ name: 'test-infra', level: process.env.LOG_LEVEL ?? 'warn' });
  const report = await infraUp(config, logger);
  await provision(config, logger);
  if (report.started.length > 0) {
    console.log(
      `test infra: started ${report.started.join(', ')} in ${(report.elapsedMs / 1000).toFixed(1)} s`,
    );
  }
}
