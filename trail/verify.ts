import { runVerifier } from './verify-cli.js';

/**
 * The standalone verifier of the access trail (docs/trail-log.md): checks signed checkpoints,
 * inclusion and consistency proofs offline, with the log's public verifier key only.
 */
runVerifier(process.argv.slice(2), { out: console.log, err: console.error }).then(
  (status) => process.exit(status),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
