import { describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.js';
import { generateDevKeys } from '../identity/dev-keys.js';
import { parseKeyRing } from '../identity/keys.js';
import { scanForAccountNumbers, scanForText } from '../identity/privacy-scan.js';
import { encodeEvent } from '../schemas/codec.js';
import type { ResidentLedgerChanged } from '../schemas/events.js';
import { createLedgerCommands, type LedgerLog } from './commands.js';
import { openEntry } from './seal.js';
import { createLedgerView } from './view.js';

const keys = parseKeyRing(generateDevKeys().TSUNAGI_VAULT_KEYS, 'TSUNAGI_VAULT_KEYS');
const account = {
  bankCode: '0005',
  branchCode: '251',
  accountType: 'ORDINARY' as const,
  accountNumber: '7654321',
  holderKana: 'スズキ ハナコ',
};

function ledger() {
  const log: ResidentLedgerChanged[] = [];
  const memoryLog: LedgerLog = {
    append: async (event) => BigInt(log.push(event) - 1),
  };
  const view = createLedgerView(keys);
  let n = 0;
  const commands = createLedgerCommands({
    log: memoryLog,
    view,
    keys,
    clock: fixedClock('2026-04-01T00:00:00Z'),
    ids: () => `id-${++n}`,
  });
  return { log, view, commands };
}

describe('the resident ledger', () => {
  it('given an account registered, then it reads back, and the event holds it only sealed', async () => {
    const { log, view, commands } = ledger();
    await commands.register('L-resident-1', 'PUBLIC_MONEY_ACCOUNT', account, 'req-1');
    expect(view.read('L-resident-1', 'PUBLIC_MONEY_ACCOUNT')?.value).toEqual(account);
    expect(log).toHaveLength(1);
    const bytes = encodeEvent(log[0] as ResidentLedgerChanged);
    expect(scanForAccountNumbers([account.accountNumber], [bytes])).toEqual([]);
    expect(scanForText([account.holderKana, 'スズキ'], [bytes])).toEqual([]);
  });

  it('given a change and then a removal, then the latest wins; removing again appends nothing', async () => {
    const { log, view, commands } = ledger();
    await commands.register('L-resident-1', 'PUBLIC_MONEY_ACCOUNT', account, 'req-1');
    await commands.register(
      'L-resident-1',
      'PUBLIC_MONEY_ACCOUNT',
      { ...account, branchCode: '300' },
      'req-2',
    );
    expect(view.read('L-resident-1', 'PUBLIC_MONEY_ACCOUNT')?.value.branchCode).toBe('300');
    expect(await commands.remove('L-resident-1', 'PUBLIC_MONEY_ACCOUNT', 'req-3')).toBe(true);
    expect(view.read('L-resident-1', 'PUBLIC_MONEY_ACCOUNT')).toBeUndefined();
    expect(await commands.remove('L-resident-1', 'PUBLIC_MONEY_ACCOUNT', 'req-4')).toBe(false);
    expect(log.map((e) => e.data.action)).toEqual(['REGISTERED', 'REGISTERED', 'REMOVED']);
  });

  it('given the topic replayed into a fresh view, out of order or twice, then it states what the topic last said', async () => {
    const { log, commands } = ledger();
    await commands.register('L-resident-1', 'PUBLIC_MONEY_ACCOUNT', account, 'req-1');
    await commands.register(
      'L-resident-1',
      'NOTICE_CONTACT',
      { kind: 'EMAIL', address: 'h@example.jp' },
      'req-2',
    );
    await commands.remove('L-resident-1', 'PUBLIC_MONEY_ACCOUNT', 'req-3');
    const replayed = createLedgerView(keys);
    const at = (i: number) => [log[i] as ResidentLedgerChanged, BigInt(i)] as const;
    for (const i of [2, 0, 1, 0, 2]) replayed.apply(...at(i));
    expect(replayed.read('L-resident-1', 'PUBLIC_MONEY_ACCOUNT')).toBeUndefined();
    expect(replayed.read('L-resident-1', 'NOTICE_CONTACT')?.value).toEqual({
      kind: 'EMAIL',
      address: 'h@example.jp',
    });
  });

  it('given a sealed entry moved to another resident, then it does not open', async () => {
    const { log, commands } = ledger();
    await commands.register('L-resident-1', 'PUBLIC_MONEY_ACCOUNT', account, 'req-1');
    const event = log[0] as ResidentLedgerChanged;
    const sealed = event.data.sealed;
    if (!sealed) throw new Error('sealed');
    const at = {
      linkageId: 'L-resident-2',
      entry: 'PUBLIC_MONEY_ACCOUNT' as const,
      eventId: event.envelope.eventId,
    };
    expect(() =>
      openEntry(keys, at, {
        ciphertext: Buffer.from(sealed.ciphertext),
        nonce: Buffer.from(sealed.nonce),
        keyVersion: sealed.keyVersion,
      }),
    ).toThrow(
      expect.objectContaining({ code: 'INTERNAL', message: 'a sealed ledger entry failed authentication' }),
    );
  });
});
