import { parseArgs } from 'node:util';
import { isTsunagiError } from '../core/errors.js';
import { loadInfraConfig } from '../platform/config.js';
import { librdkafkaProperties } from '../platform/kafka-credentials.js';
import { createLogger } from '../platform/logger.js';
import { provision } from './provision.js';
import { infraDown, infraReset, infraStatus, infraUp } from './stack.js';

const USAGE = `usage: npm run infra -- <up|down|status|reset|provision|kafka-properties PRINCIPAL> [--brokers 1|3]
  up         fetch (once) and start Kafka, the schema registry and ClickHouse on loopback, then provision
             (--brokers 3, or KAFKA_BROKER_COUNT=3: a three-node KRaft cluster, replication factor 3,
             min.insync.replicas=2; give the same option to the other commands for that home)
  down       stop the servers infra/ started (by recorded PID)
  status     show each server's state, PID, endpoint and log file
  reset      down, then delete their data (the download cache is kept)
  provision  create topics and ACLs, issue local Kafka certificates, register schemas, create the ClickHouse database (idempotent)
  kafka-properties PRINCIPAL
             print librdkafka client properties (confluent-kafka, kcat -F) to connect as PRINCIPAL`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { brokers: { type: 'string' } },
  });
  const [command, argument] = positionals;
  const config = loadInfraConfig(
    values.brokers === undefined ? process.env : { ...process.env, KAFKA_BROKER_COUNT: values.brokers },
  );
  const logger = createLogger({ name: 'infra' });
  switch (command) {
    case 'up': {
      const report = await infraUp(config, logger);
      await provision(config, logger);
      console.log(
        `infra up in ${(report.elapsedMs / 1000).toFixed(1)} s (started: ${report.started.join(', ') || 'none'}; already up: ${report.alreadyUp.join(', ') || 'none'})`,
      );
      return 0;
    }
    case 'down': {
      const stopped = await infraDown(config, logger);
      console.log(stopped.length ? `stopped: ${stopped.join(', ')}` : 'nothing of ours was running');
      return 0;
    }
    case 'status': {
      const rows = await infraStatus(config);
      for (const r of rows)
        console.log(
          `${r.service.padEnd(11)} ${r.state.padEnd(9)} pid=${r.pid ?? '-'}  ${r.endpoint}  log=${r.log}`,
        );
      return rows.every((r) => r.state === 'up') ? 0 : 3;
    }
    case 'reset':
      await infraReset(config, logger);
      return 0;
    case 'provision':
      await provision(config, logger);
      return 0;
    case 'kafka-properties': {
      if (!argument) {
        console.error(USAGE);
        return 2;
      }
      for (const [key, value] of Object.entries(librdkafkaProperties(config, argument)))
        console.log(`${key}=${value}`);
      return 0;
    }
    default:
      console.error(USAGE);
      return command === undefined || command === 'help' ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(isTsunagiError(error) ? `infra: ${error.code}: ${error.message}` : error);
    process.exit(1);
  },
);
