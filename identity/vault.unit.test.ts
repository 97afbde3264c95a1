import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { generateDevKeys } from './dev-keys.js';
import type { IdentityEnrolled } from './event-log.js';
import { openIdentityStore } from './identity-store.js';
import { createInMemoryEventLog } from './in-memory-event-log.js';
import { parseKeyRing } from './keys.js';
import { isLinkageId } from './linkage-id.js';
import type { MyNumber } from './my-number.js';
import { scanForMyNumbers } from './privacy-scan.js';
import { createTestHub, type TestHub } from './testing/hub.js';
import { testMyNumbers } from './testing/my-numbers.js';
import { createVault } from './vault.js';

const hubs: TestHub[] = [];
const hub = (options?: Parameters<typeof createTestHub>[0]) => {
  const made = createTestHub(options);
  hubs.push(made);
  return made;
};
afterEach(async () => {
  for (const made of hubs.splice(0)) await made.close();
});

const [alice, bob, carol] = testMyNumbers('vault', 3) as [MyNumber, MyNumber, MyNumber];

describe('enrolment vault', () => {
  it('gives one random linkage id per resident, the same on every enrolment', async () => {
    const { vault, enrolments } = hub();
    const first = await vault.enrol(alice);
    expect(isLinkageId(first)).toBe(true);
    expect(await vault.enrol(alice)).toBe(first);
    expect(await vault.enrol(bob)).not.toBe(first);
    expect(await vault.lookup(alice)).toBe(first);
    expect(await vault.lookup(carol)).toBeUndefined();
    expect(enrolments.entries).toHaveLength(2);
  });

  it('gives concurrent enrolments of one resident the same linkage id and one event', async () => {
    const { vault, enrolments } = hub();
    const ids = await Promise.all([vault.enrol(alice), vault.enrol(alice), vault.enrol(alice)]);
    expect(new Set(ids).size).toBe(1);
    expect(enrolments.entries).toHaveLength(1);
  });

  it('refuses an invalid My Number with MY_NUMBER_INVALID and records nothing', async () => {
    const { vault, enrolments } = hub();
    await expect(vault.enrol('123456789017')).rejects.toMatchObject({ code: 'MY_NUMBER_INVALID' });
    await expect(vault.lookup('12345')).rejects.toMatchObject({ code: 'MY_NUMBER_INVALID' });
    expect(enrolments.entries).toHaveLength(0);
  });

  it('returns no linkage id until the log acknowledged, and a retry returns the one first minted', async () => {
    const { vault, enrolments, vaultKeys } = hub();
    enrolments.failNextAppends(1);
    await expect(vault.enrol(alice)).rejects.toMatchObject({ code: 'BROKER_UNAVAILABLE', retriable: true });
    expect(await vault.lookup(alice)).toBeUndefined();
    const linkageId = await vault.enrol(alice);
    expect(enrolments.entries).toHaveLength(1);
    const rebuilt = hub({ vaultKeys, enrolments });
    await rebuilt.vault.rebuildFromLog();
    expect(await rebuilt.vault.lookup(alice)).toBe(linkageId);
  });

  it('is rebuilt from the enrolment log with the same linkage ids, duplicates changing nothing', async () => {
    const { vault, enrolments, vaultKeys } = hub();
    const before = { alice: await vault.enrol(alice), bob: await vault.enrol(bob) };
    const duplicated = createInMemoryEventLog<IdentityEnrolled>();
    for (const entry of [...enrolments.entries, ...enrolments.entries]) await duplicated.append(entry);
    const fresh = hub({ vaultKeys, enrolments: duplicated });
    expect(await fresh.vault.rebuildFromLog()).toEqual({ entries: 4, residents: 2 });
    expect(await fresh.vault.lookup(alice)).toBe(before.alice);
    expect(await fresh.vault.lookup(bob)).toBe(before.bob);
    expect(await fresh.vault.enrol(alice)).toBe(before.alice);
    expect(duplicated.entries).toHaveLength(4);
  });

  it('finds residents enrolled under an older vault key after rotation, and enrols new ones under the new key', async () => {
    const { TSUNAGI_VAULT_KEYS: v1Only } = generateDevKeys();
    const v1 = parseKeyRing(v1Only, 'TSUNAGI_VAULT_KEYS');
    const before = hub({ vaultKeys: v1 });
    const aliceId = await before.vault.enrol(alice);
    const rotated = parseKeyRing(
      `${v1Only},v2:${Buffer.alloc(32, 7).toString('base64')}`,
      'TSUNAGI_VAULT_KEYS',
    );
    const after = hub({ vaultKeys: rotated, enrolments: before.enrolments });
    await after.vault.rebuildFromLog();
    expect(await after.vault.enrol(alice)).toBe(aliceId);
    await after.vault.enrol(bob);
    expect(before.enrolments.entries.map((e) => e.keyVersion)).toEqual([1, 2]);
  });

  it('serves the same linkage ids from a backup copy of the store', async () => {
    const { vault, store, dir, vaultKeys } = hub();
    const linkageId = await vault.enrol(alice);
    const copy = hub({ vaultKeys });
    await copy.store.close();
    rmSync(copy.dir, { recursive: true, force: true });
    await store.backup(copy.dir);
    const restored = openIdentityStore(copy.dir);
    try {
      const fromBackup = createVault({ ...copy, store: restored, log: copy.enrolments, keys: vaultKeys });
      expect(await fromBackup.lookup(alice)).toBe(linkageId);
      expect(scanForMyNumbers([alice], [{ path: copy.dir }, { path: dir }])).toEqual([]);
    } finally {
      await restored.close();
    }
  });

  it('keeps no My Number in the store, the log or the log lines', async () => {
    const { vault, enrolments, store, dir, logLines } = hub();
    await vault.enrol(alice);
    await vault.enrol(bob);
    await vault.lookup(alice);
    await store.vault.flushed;
    const targets = [
      { path: dir },
      ...enrolments.entries.flatMap((e) => Object.values(e).map(String)),
      ...logLines,
    ];
    expect(logLines.length).toBeGreaterThan(0);
    expect(scanForMyNumbers([alice, bob], targets)).toEqual([]);
    const linkageId = await vault.lookup(alice);
    expect(scanForMyNumbers([alice], [{ path: dir }])).toEqual([]);
    expect(Buffer.concat(enrolments.entries.map((e) => e.sealedLinkageId)).includes(String(linkageId))).toBe(
      false,
    );
  });
});
