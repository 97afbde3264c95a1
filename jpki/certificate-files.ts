import { readFile } from 'node:fs/promises';
import { TsunagiError } from '../core/errors.js';
import { derBlocks, parseCertificate } from './pki.js';

/**
 * Certificate files as operators hand them over: DER, or PEM with any number of certificates and
 * explanatory text around them (RFC 7468 §5.2). Read strictly, because they are configuration:
 * a file without a certificate, or a block that does not parse, stops the process with
 * CONFIG_INVALID naming the setting, the file and the block, rather than being skipped.
 */
export function certificatesIn(bytes: Uint8Array, where: { setting: string; file: string }): Uint8Array[] {
  const blocks = derBlocks(bytes, 'certificate');
  if (blocks.length === 0)
    throw new TsunagiError('CONFIG_INVALID', `${where.setting}: ${where.file} holds no certificate`, {
      path: where.setting,
    });
  blocks.forEach((der, index) => {
    if (!parseCertificate(der))
      throw new TsunagiError(
        'CONFIG_INVALID',
        `${where.setting}: certificate ${index + 1} of ${blocks.length} in ${where.file} does not parse`,
        { path: where.setting },
      );
  });
  return blocks;
}

/** Every certificate of every file, in order: a bundle contributes all of its certificates. */
export async function readCertificateFiles(setting: string, files: readonly string[]): Promise<Uint8Array[]> {
  const all: Uint8Array[] = [];
  for (const file of files) {
    const bytes = await readFile(file).catch((cause: unknown) => {
      throw new TsunagiError('CONFIG_INVALID', `${setting}: cannot read ${file}`, { path: setting, cause });
    });
    all.push(...certificatesIn(new Uint8Array(bytes), { setting, file }));
  }
  return all;
}

/** Exactly one certificate (an issuer named on a command line): a bundle is refused, not cut to its first. */
export async function readOneCertificate(setting: string, file: string): Promise<Uint8Array> {
  const [first, ...more] = await readCertificateFiles(setting, [file]);
  if (!first || more.length > 0)
    throw new TsunagiError(
      'CONFIG_INVALID',
      `${setting}: ${file} holds ${more.length + 1} certificates; give exactly one`,
      { path: setting },
    );
  return first;
}
