import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isTsunagiError } from '../../core/errors.js';
import { loadInfraConfig } from '../../platform/config.js';
import { openEventStore } from '../../platform/event-store.js';
import { createLogger } from '../../platform/logger.js';
import { loadTrailLogConfig } from './config.js';
import { readTrailEntry, sequencedSizeOf } from './kafka-entries.js';
import { createTrailLogProver } from './prover.js';
import { signLatestCheckpoint } from './publisher.js';
import { generateSignerKey } from './signer.js';
import { trailLogStatus } from './status.js';
import { openTrailLogStore } from './store.js';
import { consistencyProofToJson, inclusionProofToJson } from './verifier/proof-json.js';

const USAGE = `usage: npx tsx trail/log/cli.ts COMMAND [--out FILE]
  status                      sequenced and integrated sizes, integrated root
  checkpoint                  sign a checkpoint of the integrated tree now (needs the signer key)
  latest                      the last checkpoint the service published
  verifier-key                the log's public verifier key, for auditors
  inclusion INDEX [--size N]  inclusion proof (JSON) of entry INDEX at tree size N (default: integrated)
  consistency SIZE1 [SIZE2]   consistency proof (JSON) between two tree sizes
  entry INDEX                 the public entry's bytes (canonical JSON, docs/trail-log.md) from the trail topic
  keygen NAME                 a new signer key and its verifier key (keep the first secret)`;

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: 'string' }, size: { type: 'string' } },
  });
  const [command, a, b] = positionals;
  const commands = [
    'status',
    'checkpoint',
    'latest',
    'verifier-key',
    'inclusion',
    'consistency',
    'entry',
    'keygen',
  ];
  if (!commands.includes(command ?? '')) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const emit = (data: string | Uint8Array): void => {
    if (values.out) writeFileSync(values.out, data);
    else process.stdout.write(data);
  };
  const json = (value: unknown) => emit(`${JSON.stringify(value, null, 2)}\n`);
  const number = (text: string | undefined) => (text === undefined ? undefined : Number(text));

  if (command === 'keygen') {
    const keys = generateSignerKey(a ?? '');
    return json({ TSUNAGI_TRAIL_LOG_KEY: keys.signerKey, verifierKey: keys.verifierKey });
  }
  const infra = loadInfraConfig();
  const logger = createLogger({ name: 'trail-log-cli', level: 'warn' });
  const config = loadTrailLogConfig(infra.home);
  const log = () =>
    openEventStore(infra, logger, { principal: 'trail-log', clientId: 'tsunagi-trail-log-cli' });
  if (command === 'verifier-key') return void emit(`${config.signer.verifierKey}\n`);
  if (command === 'entry') {
    const reader = log();
    const entry = await readTrailEntry({
      store: reader,
      subjects: config.subjects,
      index: Number(a),
      logger,
    }).finally(() => reader.close());
    return void emit(entry);
  }
  const store = openTrailLogStore(config.storeDir, { readOnly: true });
  try {
    const prover = createTrailLogProver(store);
    switch (command) {
      case 'status': {
        const reader = log();
        try {
          return json(await trailLogStatus(store, () => sequencedSizeOf(reader)));
        } finally {
          await reader.close();
        }
      }
      case 'checkpoint':
        return void emit(signLatestCheckpoint(store, config.signer).note);
      case 'latest':
        return void emit(store.latestCheckpoint()?.note ?? '');
      case 'inclusion':
        return json(inclusionProofToJson(prover.inclusion(Number(a), number(values.size))));
      case 'consistency':
        return json(consistencyProofToJson(prover.consistency(Number(a), number(b))));
    }
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    if (!isTsunagiError(error)) console.error(error);
    else console.error(`${error.code}: ${error.message}${error.path ? ` (${error.path})` : ''}`);
    process.exit(1);
  },
);
