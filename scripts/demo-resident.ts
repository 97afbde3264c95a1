import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IdentityHub } from '../identity/identity-hub.js';
import type { LinkageId } from '../identity/linkage-id.js';
import { infraPaths } from '../infra/paths.js';
import type { InfraConfig } from '../platform/config.js';

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
  return (await enrolledDemoResidents(config, identity, count)).map((r) => r.linkageId);
}

/**
 * As `demoResidents`, with each resident's My Number as the export holds it: what an agency receives
 * when the resident applies (the demo's link step). Never print it.
 */
export async function enrolledDemoResidents(
  config: Pick<InfraConfig, 'home'>,
  identity: IdentityHub,
  count: number,
): Promise<Array<{ myNumber: string; linkageId: LinkageId }>> {
  const exportFile = join(infraPaths(config.home).data('demo'), 'exports', 'juki.csv');
  const myNumbers = new Set(
    [...readFileSync(exportFile, 'utf8').matchAll(/\n[^,\n]*,(\d{12}),/g)].map((m) => m[1]),
  );
  const found: Array<{ myNumber: string; linkageId: LinkageId }> = [];
  for (const myNumber of myNumbers) {
    if (found.length === count || myNumber === undefined) break;
    const linkageId = await identity.vault.lookup(myNumber).catch(() => undefined);
    if (linkageId && !found.some((f) => f.linkageId === linkageId)) found.push({ myNumber, linkageId });
  }
  return found;
}
