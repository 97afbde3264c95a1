import { afterEach, describe, expect, it, vi } from 'vitest';
import { registrySchemaIds } from './schema-ids.js';

/** A registry answering every look-up with id 7 after `delayMs`, counting the requests it got. */
function countingRegistry(delayMs: number, failFirst = 0) {
  const seen = { requests: 0 };
  vi.stubGlobal('fetch', async () => {
    seen.requests++;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (seen.requests <= failFirst) return new Response('busy', { status: 503 });
    return Response.json({ id: 7 });
  });
  return seen;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('registry schema ids', () => {
  it('asks the registry once for a thousand records encoded at once (a restarted service with a backlog)', async () => {
    const registry = countingRegistry(20);
    const ids = registrySchemaIds({ registryCcompatUrl: 'http://registry.invalid' });
    const all = await Promise.all(Array.from({ length: 1_000 }, () => ids.idOf('disclosure-recorded', 2)));
    expect(new Set(all)).toEqual(new Set([7]));
    expect(registry.requests).toBe(1);
    expect(await ids.writerOf(7)).toEqual({ subject: 'disclosure-recorded', version: 2 });
    expect(registry.requests).toBe(1);
  });

  it('forgets a failed look-up, so the next record asks again', async () => {
    const registry = countingRegistry(1, 1);
    const ids = registrySchemaIds({ registryCcompatUrl: 'http://registry.invalid' });
    await expect(ids.idOf('disclosure-recorded', 2)).rejects.toMatchObject({ code: 'REGISTRY_UNAVAILABLE' });
    expect(await ids.idOf('disclosure-recorded', 2)).toBe(7);
    expect(registry.requests).toBe(2);
  });

  it('names the registry and what to do when it cannot be reached', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('fetch failed');
    });
    const ids = registrySchemaIds({ registryCcompatUrl: 'http://127.0.0.1:1/apis/ccompat/v7' });
    await expect(ids.idOf('disclosure-recorded', 2)).rejects.toMatchObject({
      code: 'REGISTRY_UNAVAILABLE',
      retriable: true,
      message: expect.stringMatching(
        /^schema registry at http:\/\/127\.0\.0\.1:1\/apis\/ccompat\/v7 unreachable while looking up schema disclosure-recorded v2 .*: start it \(npm run infra -- up\) or check REGISTRY_URL$/,
      ),
    });
  });
});
