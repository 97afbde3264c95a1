import { pathToFileURL } from 'node:url';
import { isTsunagiError } from '../core/errors.js';
import { loadInfraConfig } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { openIdentityHub } from './identity-hub.js';

const USAGE = `usage: tsx identity/cli.ts rebuild

  Rebuilds the identity store (TSUNAGI_IDENTITY_DIR, default under TSUNAGI_HOME) from its topics:
  the vault from identity-enrolments, the code map from agency-codes, the certificate bindings from
  certificate-bindings. Run it after the store was lost or restored, with the services that write
  the store stopped (the vault and code map are cleared first).`;

/** `rebuild`: replays the three identity topics into the store and prints what came back (counts only). */
async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] !== 'rebuild' || argv.length !== 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadInfraConfig();
  const logger = createLogger({ name: 'identity-cli', level: config.LOG_LEVEL });
  const hub = await openIdentityHub(config, logger);
  try {
    const vault = await hub.vault.rebuildFromLog();
    const codes = await hub.codes.rebuildFromLog();
    const certificates = await hub.certificates.rebuildFromLog();
    process.stdout.write(
      `vault: ${vault.residents} resident(s) from ${vault.entries} event(s)\n` +
        `codes: ${codes.codes} code(s) from ${codes.entries} event(s)\n` +
        `certificate bindings: ${certificates.bindings} from ${certificates.entries} event(s)\n`,
    );
    return 0;
  } finally {
    await hub.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${isTsunagiError(error) ? `${error.code}: ${error.message}` : String(error)}\n`);
      process.exit(1);
    },
  );
}
