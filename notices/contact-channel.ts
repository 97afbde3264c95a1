import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { NoticeContact } from '../core/ledger/entries.js';

/**
 * The one message a resident's contact ever gets: that a notice arrived. No rule, no office work,
 * no agency, no name: an SMS or a mail is read by whoever holds the phone or the mailbox.
 */
export const NOTICE_MESSAGE =
  '新しいお知らせがあります。マイナポータルでご確認ください。 You have a new notice: sign in to read it.';

/**
 * Where the resident is told: an SMS or mail gateway adapter in production (docs/notices.md). `send`
 * resolves once the gateway accepted the message.
 */
export interface NoticeChannel {
  send(message: { to: NoticeContact; text: string; at: Date }): Promise<void>;
}

/**
 * The demo's channel: a local outbox, one JSON line per message in `<dir>/outbox.jsonl` (mode 0600),
 * as an SMS or mail gateway would receive it. It holds the contact (it is the gateway's side) and
 * nothing else about the resident.
 */
export function createOutboxChannel(dir: string): NoticeChannel & { file: string } {
  const file = join(dir, 'outbox.jsonl');
  return {
    file,
    async send({ to, text, at }) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const line = { at: at.toISOString(), channel: to.kind === 'MOBILE' ? 'sms' : 'mail', to, text };
      await appendFile(file, `${JSON.stringify(line)}\n`, { mode: 0o600 });
    },
  };
}
