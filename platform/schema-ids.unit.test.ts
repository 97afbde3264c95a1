import { afterEach, describe, expect, it, vi } from 'vitest';
import { registrySchemaIds } from './schema-ids.js';

afterEach(() => vi.unstubAllGlobals());

describe('schema ids: registry lookups', () => {
  it('given 1,000 records encoded at once on a cold cache, then the registry is asked once', async () => {
    const fetch = vi.fn(async () => Response.json({ id: 7 }));
    vi.stubGlobal('fetch', fetch);
    const schemaIds = registrySchemaIds({ registryCcompatUrl: 'http://registry.invalid/ccompat' });
    const ids = await Promise.all(
      Array.from({ length: 1000 }, () => schemaIds.idOf('disclosure-recorded', 1)),
    );
    expect(new Set(ids)).toEqual(new Set([7]));
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(await schemaIds.writerOf(7)).toEqual({ subject: 'disclosure-recorded', version: 1 });
  });

  it('given the lookup failed, then the next call asks again (a failure is not cached)', async () => {
    const fetch = vi
      .fn()
      .mockRejectedValueOnce(new Error('connect ECONNREFUSED'))
      .mockResolvedValueOnce(Response.json({ id: 9 }));
    vi.stubGlobal('fetch', fetch);
    const schemaIds = registrySchemaIds({ registryCcompatUrl: 'http://registry.invalid/ccompat' });
    await expect(schemaIds.idOf('disclosure-recorded', 1)).rejects.toMatchObject({
      code: 'REGISTRY_UNAVAILABLE',
    });
    expect(await schemaIds.idOf('disclosure-recorded', 1)).toBe(9);
    expect(fetch).toHaveBeenCalledTimes(2);
  });
});
