import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IdentityHub } from '../identity/identity-hub.js';
import { infraPaths } from '../infra/paths.js';
import type { InfraConfig } from '../platform/config.js';

/** The linkage id of the first resident in the demo's resident-registry export, if enrolled. */
export async function firstDemoResident(
  config: Pick<InfraConfig, 'home'>,
  identity: IdentityHub,
): Promise<string | undefined> {
  const exportFile = join(infraPaths(config.home).data('demo'), 'exports', 'juki.csv');
  const myNumber = /\n[^,\n]*,(\d{12}),/.exec(readFileSync(exportFile, 'utf8'))?.[1];
  return myNumber === undefined ? undefined : identity.vault.lookup(myNumber);
}
