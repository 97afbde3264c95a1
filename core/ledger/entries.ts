import { z } from 'zod';

/**
 * The resident's ledger (the total-design slides: "one public-money account per resident; a ledger of
 * account numbers and mobile phone numbers"): what a resident may register, validated field by field.
 * Messages describe the expected form and never quote what was given. Pure.
 */

/**
 * Who holds the public-money accounts, as legal-basis rows name the provider: the Digital Agency
 * keeps the registry of 公金受取口座 (here, the hub's ledger stands for it).
 */
export const PUBLIC_MONEY_ACCOUNT_HOLDER = 'digital-agency';

/** 全銀 account types: 普通 (ordinary), 当座 (current), 貯蓄 (savings). */
export const ACCOUNT_TYPES = ['ORDINARY', 'CURRENT', 'SAVINGS'] as const;

/** Full-width katakana with the long-vowel mark, and spaces between family and given names. */
const KATAKANA_NAME = /^[\u30A1-\u30FA\u30FC]+(?:[ \u3000][\u30A1-\u30FA\u30FC]+)*$/;

/** The public-money receiving account (公金受取口座): one per resident. */
export const PublicMoneyAccount = z.strictObject({
  /** 金融機関コード: four digits. */
  bankCode: z.string().regex(/^\d{4}$/, { error: 'expected a 4-digit bank code (金融機関コード)' }),
  /** 支店コード: three digits. */
  branchCode: z.string().regex(/^\d{3}$/, { error: 'expected a 3-digit branch code (支店コード)' }),
  accountType: z.enum(ACCOUNT_TYPES, { error: `expected one of ${ACCOUNT_TYPES.join(', ')}` }),
  /** 口座番号: seven digits (a shorter number is written with leading zeros). */
  accountNumber: z.string().regex(/^\d{7}$/, { error: 'expected a 7-digit account number' }),
  /** 口座名義 in kana, as the bank holds it: full-width katakana, names separated by a space. */
  holderKana: z
    .string()
    .max(30, { error: 'expected at most 30 characters' })
    .regex(KATAKANA_NAME, { error: 'expected full-width katakana, names separated by one space' }),
});
export type PublicMoneyAccount = z.infer<typeof PublicMoneyAccount>;

/** A Japanese mobile number: 070, 080 or 090 and eight digits; hyphens allowed, removed. */
const MobileNumber = z
  .string()
  .max(16)
  .transform((value) => value.replace(/-/g, ''))
  .pipe(
    z.string().regex(/^0[789]0\d{8}$/, { error: 'expected a mobile number 0X0-XXXX-XXXX (070, 080 or 090)' }),
  );

/** Where the resident is told that a notice arrived: a mobile number (SMS) or an e-mail address. */
export const NoticeContact = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('MOBILE'), phoneNumber: MobileNumber }),
    z.strictObject({
      kind: z.literal('EMAIL'),
      address: z
        .email({ error: 'expected an e-mail address' })
        .max(254, { error: 'expected at most 254 characters' }),
    }),
  ],
  { error: 'expected kind MOBILE or EMAIL' },
);
export type NoticeContact = z.infer<typeof NoticeContact>;

/** The account as the resident sees it back: the number's last three digits only. */
export const maskAccount = (account: PublicMoneyAccount) => ({
  bankCode: account.bankCode,
  branchCode: account.branchCode,
  accountType: account.accountType,
  accountNumberEnd: account.accountNumber.slice(-3),
  holderKana: account.holderKana,
});

/** The contact as the resident sees it back: enough to recognise it, not to use it. */
export function maskContact(contact: NoticeContact): { kind: NoticeContact['kind']; masked: string } {
  if (contact.kind === 'MOBILE')
    return {
      kind: 'MOBILE',
      masked: `${contact.phoneNumber.slice(0, 3)}-****-${contact.phoneNumber.slice(-4)}`,
    };
  const [local = '', domain = ''] = contact.address.split('@');
  return { kind: 'EMAIL', masked: `${local.slice(0, 1)}***@${domain}` };
}
