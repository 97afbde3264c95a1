import { parseArgs } from 'node:util';
import { systemClock } from '../core/clock.js';
import { isTsunagiError } from '../core/errors.js';
import { loadInfraConfig } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { infraPaths } from '../platform/paths.js';
import { checkpointStore } from './checkpoint.js';
import { checkExportColumns } from './exports/read-export.js';
import { EXPORT_COLUMNS, EXPORT_SYSTEMS, isExportSystem } from './exports/systems.js';
import { openProducerHub } from './hub-wiring.js';
import { ingestExport } from './ingest.js';
import { progressReporter } from './progress.js';

const USAGE = `usage: npm run ingest -- --system <${EXPORT_SYSTEMS.join('|')}> [--producer NAME] [--batch N] [--from-start] FILE...
  Streams core-system exports (.csv, .jsonl) into Kafka. A file whose header (CSV) or first
  line's keys (JSON Lines) are not the system's columns is refused before anything is published.
  Invalid rows go to the dead-letter topic, sealed, with file name, line, field and reason.
  Re-running a file resumes after the last acknowledged batch (--from-start re-publishes all;
  event ids are deterministic either way).
  Columns of each system: docs/exports.md`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      system: { type: 'string' },
      producer: { type: 'string' },
      batch: { type: 'string', default: '500' },
      'from-start': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || positionals.length === 0 || !values.system || !isExportSystem(values.system)) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const system = values.system;
  try {
    // Every file is checked before any is published: a wrong file refuses the whole run.
    for (const file of positionals)
      await checkExportColumns(file, { system, columns: EXPORT_COLUMNS[system] });
  } catch (error) {
    console.error(`ingest refused: ${describe(error)}\nNothing was published. Check --system and the file.`);
    return 1;
  }
  const config = loadInfraConfig();
  const logger = createLogger({ name: 'ingest', level: process.env.LOG_LEVEL ?? 'warn' });
  const hub = await openProducerHub(config, logger);
  const checkpoints = checkpointStore(infraPaths(config.home).data('ingest-checkpoints'));
  let failed = false;
  try {
    for (const file of positionals) {
      const progress = progressReporter(`${system} ${file}`);
      const summary = await ingestExport(
        file,
        system,
        {
          publisher: hub.publisher,
          resolveLinkageId: (myNumber) => hub.identity.vault.enrol(myNumber),
          clock: systemClock,
          logger,
          producer: values.producer ?? `producer-${system}`,
          vaultKeys: hub.vaultKeys,
        },
        {
          batchSize: Number(values.batch),
          resumeAfterLine: values['from-start'] ? 0 : checkpoints.read(file),
          onBatchAcknowledged: (line, p) => {
            checkpoints.write(file, line);
            progress.update(p);
          },
        },
      );
      progress.done(summary);
      const rate = summary.elapsedMs > 0 ? Math.round((summary.read * 1000) / summary.elapsedMs) : 0;
      console.log(
        `${file}: read ${summary.read}, published ${summary.published}, rejected ${summary.rejected}, skipped ${summary.skipped} (resumed) in ${(summary.elapsedMs / 1000).toFixed(1)} s, ${rate} rows/s`,
      );
    }
  } catch (error) {
    failed = true;
    console.error(
      `ingest stopped: ${describe(error)}\nNothing acknowledged is lost; run the same command again to resume.`,
    );
  } finally {
    await hub.close();
  }
  return failed ? 1 : 0;
}

const describe = (error: unknown): string =>
  isTsunagiError(error) ? `${error.code}: ${error.message}` : String(error);

main().then((code) => process.exit(code));
