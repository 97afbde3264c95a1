import { type FSWatcher, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Clock } from '../core/clock.js';
import { TsunagiError } from '../core/errors.js';
import { validateCrl } from '../jpki/crl.js';
import type { Logger } from '../platform/logger.js';
import { normaliseSerial } from './agency-auth.js';

/**
 * Revoked agency client certificates, from a CRL of the agency CA (signature and freshness checked)
 * and/or a plain list of serials. Both files are re-read when they change, or on `reload()`; a file
 * that fails to load keeps the previous set in force (and is logged), so a bad edit never un-revokes.
 */
export interface AgencyRevocations {
  isRevoked(serial: string): boolean;
  reload(): Promise<{ serials: number }>;
  close(): void;
}

export interface AgencyRevocationsOptions {
  crlPath?: string | undefined;
  serialsPath?: string | undefined;
  /** DER of the agency CA that signs the CRL. */
  caCertificate?: Uint8Array | undefined;
  clock: Clock;
  logger: Logger;
  watch?: boolean;
}

/** Hex serials, one per line; blank lines and `#` comments ignored. */
export function parseSerialList(text: string): Set<string> {
  const serials = new Set<string>();
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    if (!/^[0-9a-fA-F:]+$/.test(line))
      throw new TsunagiError('CONFIG_INVALID', `revoked serials line ${index + 1} is not a hex serial`, {
        path: `line ${index + 1}`,
      });
    serials.add(normaliseSerial(line));
  }
  return serials;
}

export async function createAgencyRevocations(options: AgencyRevocationsOptions): Promise<AgencyRevocations> {
  const logger = options.logger.child({ component: 'agency-revocations' });
  let fromList = new Set<string>();
  let fromCrl = new Set<string>();

  async function loadList(): Promise<void> {
    if (!options.serialsPath) return;
    fromList = parseSerialList(await readFile(options.serialsPath, 'utf8'));
  }
  async function loadCrl(): Promise<void> {
    if (!options.crlPath) return;
    if (!options.caCertificate)
      throw new TsunagiError('CONFIG_INVALID', 'an agency CRL needs the agency CA certificate');
    const checked = await validateCrl(await readFile(options.crlPath), {
      issuerCertificate: options.caCertificate,
      at: options.clock.now(),
    });
    if (!checked.ok)
      throw new TsunagiError('CONFIG_INVALID', `agency CRL refused: ${checked.reason}`, {
        path: options.crlPath,
      });
    fromCrl = new Set(checked.crl.entries.map((entry) => normaliseSerial(entry.serialNumber)));
  }

  async function reload(): Promise<{ serials: number }> {
    const results = await Promise.allSettled([loadList(), loadCrl()]);
    for (const result of results) {
      if (result.status === 'rejected') {
        const message = result.reason instanceof Error ? result.reason.message : String(result.reason);
        logger.error({ err: { message } }, 'agency revocations not reloaded; keeping the previous set');
      }
    }
    const serials = fromList.size + fromCrl.size;
    logger.info({ serials }, 'agency revocations loaded');
    return { serials };
  }

  // The first load must succeed: a gateway must not start believing nothing is revoked.
  await Promise.all([loadList(), loadCrl()]);
  const watchers: FSWatcher[] = [];
  if (options.watch) {
    let timer: NodeJS.Timeout | undefined;
    for (const path of [options.serialsPath, options.crlPath]) {
      if (!path) continue;
      watchers.push(
        watch(path, () => {
          if (timer) clearTimeout(timer);
          timer = setTimeout(() => void reload(), 100);
        }),
      );
    }
  }
  return {
    isRevoked: (serial) => fromList.has(serial) || fromCrl.has(serial),
    reload,
    close: () => {
      for (const w of watchers) w.close();
    },
  };
}
