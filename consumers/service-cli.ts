import { parseArgs } from 'node:util';
import type { Logger } from '../platform/logger.js';
import { BUNDLED_POLICY_PATH, createPolicyStore, type PolicyStore } from '../policy/index.js';
import { parseRoundWait } from './subscription-service.js';

/** What a service CLI was given: its own options and the delivery-round ones. */
export type ServiceArgs = Record<string, string | boolean | undefined>;

/** The options of every service that follows its topics in delivery rounds under the legal-basis table. */
const ROUND_SERVICE_OPTIONS = {
  policy: { type: 'string' },
  group: { type: 'string' },
  'from-beginning': { type: 'boolean', default: false },
  'round-wait-ms': { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

/**
 * The `main` of a round service's CLI (the subscription service, the notices service), whose one
 * command is `run`: parses the service's own string `options` beside the shared ones; prints `usage`
 * and answers 0 for `--help`, 2 for anything but `run`; else runs the service and answers 0 once
 * `run` returned (it returns after the service stopped).
 */
export async function roundServiceMain(
  usage: string,
  options: Record<string, { type: 'string' }>,
  run: (values: ServiceArgs) => Promise<void>,
): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { ...options, ...ROUND_SERVICE_OPTIONS },
  });
  if (values.help || positionals[0] !== 'run') {
    console.error(usage);
    return values.help ? 0 : 2;
  }
  await run(values);
  return 0;
}

/**
 * How the service's consumer group follows: `--group` (default: the service's group of this
 * environment), `--from-beginning`, and `--round-wait-ms` (checked by `parseRoundWait`).
 */
export function roundFollowing(values: ServiceArgs): {
  groupId?: string;
  fromBeginning: boolean;
  delivery?: { roundWaitMs: number };
} {
  return {
    ...(typeof values.group === 'string' ? { groupId: values.group } : {}),
    fromBeginning: values['from-beginning'] === true,
    ...(typeof values['round-wait-ms'] === 'string'
      ? { delivery: { roundWaitMs: parseRoundWait(values['round-wait-ms']) } }
      : {}),
  };
}

/** The legal-basis table of `--policy` (default: the bundled one), reloaded when its file changes. */
export function watchedPolicy(values: ServiceArgs, logger: Logger): Promise<PolicyStore> {
  return createPolicyStore({
    path: String(values.policy ?? BUNDLED_POLICY_PATH.pathname),
    logger,
    watch: true,
  });
}

/** Resolves on the first SIGINT or SIGTERM: a service runs until then, then stops. */
export function untilStopSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
