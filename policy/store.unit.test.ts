import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPolicyStore } from './store.js';

const rowOf = (id: string) => ({
  id,
  requester: 'jps',
  officeWork: 'pension-benefit-payment',
  provider: 'resident-registry',
  item: 'BASIC_FOUR_INFORMATION',
  effectiveFrom: '2017-11-13',
  effectiveUntil: null,
  consentRequired: false,
});

function recordingLogger() {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => {
    lines.push({ level, fields, message });
  };
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error') } as never };
}

describe('createPolicyStore', () => {
  let folder: string;
  let path: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tsunagi-policy-'));
    path = join(folder, 'legal-basis.json');
    await writeFile(path, JSON.stringify({ version: 1, revision: 'r1', rows: [rowOf('LB-0001')] }));
  });
  afterEach(() => rm(folder, { recursive: true, force: true }));

  it('serves the new table after a valid reload', async () => {
    const store = await createPolicyStore({ path, ...recordingLogger() });
    await writeFile(
      path,
      JSON.stringify({ version: 1, revision: 'r2', rows: [rowOf('LB-0001'), rowOf('LB-0002')] }),
    );
    expect(await store.reload()).toEqual({ ok: true, revision: 'r2' });
    expect(store.current().rows.map((row) => row.id)).toEqual(['LB-0001', 'LB-0002']);
  });

  it('keeps the old table and reports the error when the new file is invalid', async () => {
    const { lines, logger } = recordingLogger();
    const store = await createPolicyStore({ path, logger });
    await writeFile(
      path,
      JSON.stringify({ version: 1, revision: 'r2', rows: [{ ...rowOf('LB-0001'), effectiveFrom: 'soon' }] }),
    );
    const outcome = await store.reload();
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error.code).toBe('CONFIG_INVALID');
      expect(outcome.error.path).toBe('rows[0].effectiveFrom');
    }
    expect(store.current().revision).toBe('r1');
    expect(lines.at(-1)).toMatchObject({ level: 'error', fields: { code: 'CONFIG_INVALID', kept: 'r1' } });
  });

  it('keeps the old table when the file is not JSON or is gone', async () => {
    const store = await createPolicyStore({ path, ...recordingLogger() });
    await writeFile(path, '{ "version": 1,');
    expect(await store.reload()).toMatchObject({ ok: false, error: { code: 'CONFIG_INVALID' } });
    await rm(path);
    expect(await store.reload()).toMatchObject({ ok: false, error: { code: 'CONFIG_INVALID', path } });
    expect(store.current().revision).toBe('r1');
  });

  it('refuses to start without a valid table', async () => {
    await writeFile(path, JSON.stringify({ version: 1, revision: 'r1', rows: [] }));
    await expect(createPolicyStore({ path, ...recordingLogger() })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      path: 'rows',
    });
  });

  it('reloads by itself when watching and the file is replaced', async () => {
    const store = await createPolicyStore({ path, ...recordingLogger(), watch: true, debounceMs: 20 });
    try {
      await writeFile(path, JSON.stringify({ version: 1, revision: 'r3', rows: [rowOf('LB-0001')] }));
      await expect.poll(() => store.current().revision, { timeout: 30_000 }).toBe('r3');
    } finally {
      store.close();
    }
  });
});
