import type { InfraConfig } from '../platform/config.js';
import { infraPaths } from '../platform/paths.js';
import { ensureDevKeys } from './dev-keys.js';
import { type IdentityConfig, loadIdentityConfig } from './keys.js';

/**
 * The identity configuration of a hub process. Keys come from TSUNAGI_HUB_KEYS and
 * TSUNAGI_VAULT_KEYS; when both are unset outside production, development keys are generated
 * once into TSUNAGI_HOME (docs/identity.md). The store lives under the data directory unless
 * TSUNAGI_IDENTITY_DIR says otherwise.
 */
export function identityConfigFor(
  config: Pick<InfraConfig, 'home'>,
  env: NodeJS.ProcessEnv = process.env,
): IdentityConfig {
  const keyed =
    env.TSUNAGI_HUB_KEYS && env.TSUNAGI_VAULT_KEYS ? env : { ...env, ...ensureDevKeys(config.home, env) };
  return loadIdentityConfig({ TSUNAGI_IDENTITY_DIR: infraPaths(config.home).data('identity'), ...keyed });
}
