import { TsunagiError } from '../core/errors.js';
import type { InfraConfig } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';

type RegistryUrls = Pick<InfraConfig, 'registryUrl' | 'registryCcompatUrl'>;

const LEVEL = 'BACKWARD';

/**
 * Makes BACKWARD the global compatibility both registry APIs report, and checks that they do.
 *
 * Why through the Confluent-compatible API: Apicurio's `-Dapicurio.rules.global.compatibility` is
 * only a default. Its native API reports it, but `GET /apis/ccompat/v7/config` reads the *stored*
 * global rule and says NONE, so a stock Confluent client believed there was no rule.
 * `PUT /apis/ccompat/v7/config` stores the rule (in the registry's own storage, so it survives
 * restarts) and then both APIs agree. Idempotent. Throws `INFRA_START_FAILED` naming the API that
 * disagrees.
 */
export async function ensureBackwardCompatibility(urls: RegistryUrls, logger: Logger): Promise<void> {
  if ((await ccompatLevel(urls)) !== LEVEL) {
    const stored = await call(`${urls.registryCcompatUrl}/config`, {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ compatibility: LEVEL }),
    });
    if (!stored.ok) {
      throw new TsunagiError(
        'INFRA_START_FAILED',
        `registry: PUT ${urls.registryCcompatUrl}/config {compatibility: ${LEVEL}} answered HTTP ${stored.status}`,
      );
    }
    logger.info({ compatibility: LEVEL }, 'registry: global compatibility stored through the Confluent API');
  }
  const reported = { ccompat: await ccompatLevel(urls), native: await nativeLevel(urls) };
  for (const [api, level] of Object.entries(reported)) {
    if (level !== LEVEL) {
      throw new TsunagiError(
        'INFRA_START_FAILED',
        `registry: the ${api} API reports global compatibility ${level}, expected ${LEVEL}`,
      );
    }
  }
}

/** The global level the Confluent-compatible API reports (what stock clients see). */
export async function ccompatLevel(urls: Pick<RegistryUrls, 'registryCcompatUrl'>): Promise<string> {
  const response = await call(`${urls.registryCcompatUrl}/config`);
  if (!response.ok) return `unknown (HTTP ${response.status})`;
  return String(((await response.json()) as { compatibilityLevel?: unknown }).compatibilityLevel);
}

/** The global COMPATIBILITY rule the native v3 API reports. */
export async function nativeLevel(urls: Pick<RegistryUrls, 'registryUrl'>): Promise<string> {
  const response = await call(`${urls.registryUrl}/apis/registry/v3/admin/rules/COMPATIBILITY`);
  if (response.status === 404) return 'NONE';
  if (!response.ok) return `unknown (HTTP ${response.status})`;
  return String(((await response.json()) as { config?: unknown }).config);
}

async function call(url: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (cause) {
    throw new TsunagiError('REGISTRY_UNAVAILABLE', `schema registry unreachable at ${url}`, { cause });
  }
}
