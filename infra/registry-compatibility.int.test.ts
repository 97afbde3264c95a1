import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listSubjects, registrySubject } from '../schemas/catalogue.js';
import { testConfig, testLogger, uniqueName } from '../tests/support/infra.js';
import { ccompatLevel, ensureBackwardCompatibility, nativeLevel } from './registry-compatibility.js';

const config = testConfig();
const json = { 'content-type': 'application/vnd.schemaregistry.v1+json' };
const incompatible = readFileSync(
  new URL('../schemas/testdata/consent-granted-incompatible.avsc', import.meta.url),
  'utf8',
);

describe('registry compatibility as stock Confluent clients see it', () => {
  it('reports BACKWARD as the global compatibility through both the Confluent and the native API', async () => {
    expect(await ccompatLevel(config)).toBe('BACKWARD');
    expect(await nativeLevel(config)).toBe('BACKWARD');
    await ensureBackwardCompatibility(config, testLogger()); // idempotent: nothing to change
    expect(await ccompatLevel(config)).toBe('BACKWARD');
  });

  it('pins BACKWARD on every subject provisioning registered', async () => {
    for (const { subject: folder } of listSubjects()) {
      const subject = encodeURIComponent(registrySubject(folder));
      const response = await fetch(`${config.registryCcompatUrl}/config/${subject}`);
      expect(await response.json(), folder).toEqual({ compatibilityLevel: 'BACKWARD' });
    }
  });

  it('answers "compatible" for a subject that does not exist (Confluent API contract), while registration refuses', async () => {
    // Pinned so an upgrade that changes it is noticed; provisioning relies on registration answers only.
    const missing = uniqueName('no-such-subject');
    const check = await fetch(
      `${config.registryCcompatUrl}/compatibility/subjects/${missing}/versions/latest`,
      { method: 'POST', headers: json, body: JSON.stringify({ schema: incompatible }) },
    );
    expect(await check.json()).toEqual({ is_compatible: true });

    const existing = encodeURIComponent(registrySubject('consent-granted'));
    const checked = await fetch(
      `${config.registryCcompatUrl}/compatibility/subjects/${existing}/versions/latest`,
      { method: 'POST', headers: json, body: JSON.stringify({ schema: incompatible }) },
    );
    expect(await checked.json()).toEqual({ is_compatible: false });
    const registered = await fetch(`${config.registryCcompatUrl}/subjects/${existing}/versions`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ schema: incompatible }),
    });
    expect(registered.status).toBe(409);
  });
});
