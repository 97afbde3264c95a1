import { describe, expect, it } from 'vitest';
import { maskAccount, maskContact, NoticeContact, PublicMoneyAccount } from './entries.js';

const account = {
  bankCode: '0001',
  branchCode: '123',
  accountType: 'ORDINARY',
  accountNumber: '0123456',
  holderKana: 'ヤマダ タロウ',
};
const firstIssue = (result: {
  success: boolean;
  error?: { issues: Array<{ path: PropertyKey[]; message: string }> };
}) => result.error?.issues[0];

describe('the public-money account', () => {
  it('given a well-formed account, then it is accepted and shown back with the last three digits', () => {
    const parsed = PublicMoneyAccount.parse(account);
    expect(maskAccount(parsed)).toEqual({
      bankCode: '0001',
      branchCode: '123',
      accountType: 'ORDINARY',
      accountNumberEnd: '456',
      holderKana: 'ヤマダ タロウ',
    });
  });

  it.each([
    ['bankCode', '01', 'expected a 4-digit bank code (金融機関コード)'],
    ['bankCode', '０００１', 'expected a 4-digit bank code (金融機関コード)'],
    ['branchCode', '12a', 'expected a 3-digit branch code (支店コード)'],
    ['accountType', 'CHECKING', 'expected one of ORDINARY, CURRENT, SAVINGS'],
    ['accountNumber', '12345678', 'expected a 7-digit account number'],
    ['holderKana', 'やまだ たろう', 'expected full-width katakana, names separated by one space'],
    ['holderKana', 'ﾔﾏﾀﾞ ﾀﾛｳ', 'expected full-width katakana, names separated by one space'],
    ['holderKana', 'ヤマダ  タロウ', 'expected full-width katakana, names separated by one space'],
    ['holderKana', 'ア'.repeat(31), 'expected at most 30 characters'],
  ])('given %s %j, then it is refused naming the field, never quoting the value', (field, value, message) => {
    const issue = firstIssue(PublicMoneyAccount.safeParse({ ...account, [field]: value }));
    expect(issue?.path).toEqual([field]);
    expect(issue?.message).toBe(message);
    expect(issue?.message).not.toContain(value);
  });
});

describe('the contact for notices', () => {
  it('given a mobile number with hyphens, then it is kept as eleven digits and shown masked', () => {
    const contact = NoticeContact.parse({ kind: 'MOBILE', phoneNumber: '090-1234-5678' });
    expect(contact).toEqual({ kind: 'MOBILE', phoneNumber: '09012345678' });
    expect(maskContact(contact)).toEqual({ kind: 'MOBILE', masked: '090-****-5678' });
  });

  it('given an e-mail address, then it is shown masked', () => {
    const contact = NoticeContact.parse({ kind: 'EMAIL', address: 'hanako@example.jp' });
    expect(maskContact(contact)).toEqual({ kind: 'EMAIL', masked: 'h***@example.jp' });
  });

  it.each([
    [
      { kind: 'MOBILE', phoneNumber: '03-1234-5678' },
      ['phoneNumber'],
      'expected a mobile number 0X0-XXXX-XXXX (070, 080 or 090)',
    ],
    [{ kind: 'EMAIL', address: 'not-an-address' }, ['address'], 'expected an e-mail address'],
    [{ kind: 'FAX', number: '0312345678' }, ['kind'], 'expected kind MOBILE or EMAIL'],
  ])('given %j, then it is refused naming the field', (input, path, message) => {
    const issue = firstIssue(NoticeContact.safeParse(input));
    expect(issue?.path).toEqual(path);
    expect(issue?.message).toBe(message);
  });
});
