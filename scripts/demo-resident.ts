import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from '../core/clock.js';
import { identityConfigFor } from '../identity/hub-config.js';
import { createIdentityHub, type IdentityHub } from '../identity/identity-hub.js';
import type { LinkageId } from '../identity/linkage-id.js';
import { infraPaths } from '../infra/paths.js';
import type { InfraConfig } from '../platform/config.js';
import { openEventStore } from '../platform/event-store.js';
import type { Logger } from '../platform/logger.js';

/** The identity hub as the demo steps use it: this home's store and keys, the configured topics. */
export async function openDemoIdentity(config: InfraConfig, logger: Logger): Promise<IdentityHub> {
  const store = openEventStore(config, logger, { principal: 'ingest' });
  const hub = await createIdentityHub({
    config: identityConfigFor(config),
    store,
    clock: systemClock,
    logger,
  });
  return {
    ...hub,
    async close() {
      await hub.close();
      await store.close();
    },
  };
}

/** The linkage id of the first resident in the demo's resident-registry export, if enrolled. */
export async function firstDemoResident(
  config: Pick<InfraConfig, 'home'>,
  identity: IdentityHub,
): Promise<string | undefined> {
  return (await demoResidents(config, identity, 1))[0];
}

/**
 * The linkage ids of the first `count` distinct residents of the demo's resident-registry export
 * that the demo ingest enrolled, in file order (rows the ingest refused are skipped).
 */
export async function demoResidents(
  config: Pick<InfraConfig, 'home'>,
  identity: IdentityHub,
  count: number,
): Promise<LinkageId[]> {
  const exportFile = join(infraPaths(config.home).data('demo'), 'exports', 'juki.csv');
  const myNumbers = new Set(
    [...readFileSync(exportFile, 'utf8').matchAll(/\n[^,\n]*,(\d{12}),/g)].map((m) => m[1]),
  );
  const found: LinkageId[] = [];
  for (const myNumber of myNumbers) {
    if (found.length === count || myNumber === undefined) break;
    const linkageId = await identity.vault.lookup(myNumber).catch(() => undefined);
    if (linkageId && !found.includes(linkageId)) found.push(linkageId);
  }
  return found;
}
