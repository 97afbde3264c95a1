import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { systemClock } from '../core/clock.js';
import { isTsunagiError, TsunagiError } from '../core/errors.js';
import { loadInfraConfig } from '../platform/config.js';
import { openEventStore } from '../platform/event-store.js';
import { createLogger } from '../platform/logger.js';
import { readOneCertificate } from './certificate-files.js';
import {
  CrlSource,
  createCrlFetcher,
  createCrlIngest,
  type IngestOutcome,
  scheduleCrlIngest,
} from './crl-ingest.js';
import { parseCertificate } from './pki.js';
import { startRevocationService } from './revocation-service.js';

const USAGE = `usage: tsx jpki/cli.ts crl-ingest <file|url>... --issuer-cert <pem> [--every <minutes>]

  Fetches each CRL, checks it against the issuing CA, publishes the revocations the
  certificate-status topic does not hold yet (and the CRL marker), and prints how many.
  --every re-ingests on that interval until interrupted.`;

const Arguments = z.object({
  command: z.literal('crl-ingest'),
  sources: z.array(CrlSource).min(1),
  issuerCert: z.string().min(1),
  everyMinutes: z.coerce
    .number()
    .positive()
    .max(7 * 24 * 60)
    .optional(),
});

export function parseCliArguments(argv: readonly string[]): z.infer<typeof Arguments> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { 'issuer-cert': { type: 'string' }, every: { type: 'string' } },
  });
  const parsed = Arguments.safeParse({
    command: positionals[0],
    sources: positionals.slice(1),
    issuerCert: values['issuer-cert'],
    everyMinutes: values.every,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    throw new TsunagiError('INPUT_INVALID', `${path || 'arguments'}: ${issue?.message}\n${USAGE}`, { path });
  }
  return parsed.data;
}

export const describeOutcome = (source: string, outcome: IngestOutcome): string =>
  outcome.ok
    ? `${source}: ${outcome.published} new revocation(s) published for ${outcome.issuer}; CRL valid until ${outcome.nextUpdate.toISOString()}`
    : `${source}: refused (${outcome.reason}${outcome.detail ? `: ${outcome.detail}` : ''}); nothing published`;

async function main(argv: readonly string[]): Promise<number> {
  const args = parseCliArguments(argv);
  const config = loadInfraConfig();
  const logger = createLogger({ name: 'jpki-cli', level: config.LOG_LEVEL });
  const issuerCertificate = parseCertificate(await readOneCertificate('--issuer-cert', args.issuerCert));
  if (!issuerCertificate) throw new TsunagiError('INTERNAL', 'a checked certificate did not parse');
  const store = openEventStore(config, logger, { principal: 'jpki-revocations' });
  const service = await startRevocationService({ store, clock: systemClock, logger }).catch(
    async (error: unknown) => {
      await store.close();
      throw error;
    },
  );
  const close = async () => {
    await service.close();
    await store.close();
  };
  const crl = createCrlIngest({
    logger,
    clock: systemClock,
    fetcher: createCrlFetcher(),
    publisher: service.publisher,
    knownRevocations: service.revocations,
    issuerCertificate,
  });
  const ingest = async (source: string) => {
    const outcome = await crl.ingest(source);
    process.stdout.write(`${describeOutcome(source, outcome)}\n`);
    return outcome;
  };

  if (args.everyMinutes === undefined) {
    try {
      const outcomes = [];
      for (const source of args.sources) outcomes.push(await ingest(source));
      return outcomes.every((o) => o.ok) ? 0 : 1;
    } finally {
      await close();
    }
  }

  const schedule = scheduleCrlIngest({
    ingest,
    sources: args.sources,
    intervalMs: args.everyMinutes * 60_000,
    logger,
    // A referenced timer: in this mode the schedule is what keeps the process alive.
    timer: {
      setInterval: (run, ms) => setInterval(run, ms),
      clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
    },
  });
  await schedule.runNow();
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  schedule.stop();
  await close();
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${isTsunagiError(error) ? `${error.code}: ${error.message}` : String(error)}\n`);
      process.exit(isTsunagiError(error) && error.code === 'INPUT_INVALID' ? 2 : 1);
    },
  );
}
