import type { Clock } from '../core/clock.js';
import { type ErrorCode, isTsunagiError } from '../core/errors.js';
import type { KeyRing } from '../identity/keys.js';
import type { EventStore } from '../platform/event-store.js';
import type { Logger } from '../platform/logger.js';
import type { TsunagiEvent } from '../schemas/events.js';
import { type DeadLetterInput, deadLetterEvent } from './dead-letter.js';
import { parseRow } from './exports/parse-row.js';
import { readExport } from './exports/read-export.js';
import { EXPORT_COLUMNS, type ExportRow, type ExportSystem, toEvent } from './exports/systems.js';
import { type IngestProgress, ingestRunCompleted } from './ingest-run.js';

export type { IngestProgress } from './ingest-run.js';

export interface IngestSummary extends IngestProgress {
  file: string;
  system: ExportSystem;
  elapsedMs: number;
}

export interface IngestDeps {
  /** The event store (or anything that appends as it does: acknowledged with acks=all). */
  publisher: Pick<EventStore, 'append'>;
  /** My Number → linkage id through the identity vault (enrols on first sight). */
  resolveLinkageId(myNumber: string): Promise<string>;
  clock: Clock;
  logger: Logger;
  /** The producer name in envelopes, e.g. `juki-131016`. */
  producer: string;
  /** TSUNAGI_VAULT_KEYS: dead letters are sealed under it (docs/exports.md, "Dead letters"). */
  vaultKeys: KeyRing;
}

export interface IngestOptions {
  batchSize?: number;
  /** Lines up to and including this one were acknowledged by an earlier run. */
  resumeAfterLine?: number;
  /** Called after every acknowledged batch with the last line it covered. */
  onBatchAcknowledged?(lastLine: number, progress: IngestProgress): void | Promise<void>;
}

type Outcome = { event: TsunagiEvent; rejected: boolean };

/**
 * Streams one export file into Kafka. Each batch of lines becomes events (valid rows) and
 * dead letters (invalid rows: reason, file base name and line, sealed original bytes), published together
 * and acknowledged before the next batch is read, so memory stays bounded and a crash loses
 * at most the unacknowledged batch. An invalid row never blocks its neighbours. Event ids are
 * deterministic, so running the same file again publishes the same events, which views drop
 * by their per-resident sequence. A broker or registry outage stops the run with its error.
 * A file whose columns are not the system's is refused before anything is read or published
 * (EXPORT_COLUMNS_MISMATCH), instead of dead-lettering every row.
 * The run ends with one IngestRunCompleted (counts, file base name) on the ingest-runs topic.
 */
export async function ingestExport(
  file: string,
  system: ExportSystem,
  deps: IngestDeps,
  options: IngestOptions = {},
): Promise<IngestSummary> {
  const began = Date.now();
  const startedAt = deps.clock.now();
  const batchSize = options.batchSize ?? 500;
  const resumeAfter = options.resumeAfterLine ?? 0;
  const progress: IngestProgress = { read: 0, published: 0, rejected: 0, skipped: 0 };
  let pending: Array<Promise<Outcome>> = [];
  let lastLine = 0;

  const flush = async () => {
    if (pending.length === 0) return;
    const outcomes = await Promise.all(pending);
    pending = [];
    await deps.publisher.append(outcomes.map((o) => o.event));
    for (const o of outcomes) o.rejected ? progress.rejected++ : progress.published++;
    await options.onBatchAcknowledged?.(lastLine, { ...progress });
  };

  const expect = { system, columns: EXPORT_COLUMNS[system] };
  for await (const item of readExport(file, { expect })) {
    if (item.line <= resumeAfter) {
      progress.skipped++;
      continue;
    }
    progress.read++;
    lastLine = item.line;
    const origin = { file, line: item.line };
    if (!item.ok) {
      pending.push(
        Promise.resolve(
          reject(deps, {
            origin,
            field: '(row)',
            reason: item.message,
            errorCode: 'INPUT_INVALID',
            originalBytes: item.raw,
          }),
        ),
      );
    } else {
      const parsed = parseRow(system, item.record, origin);
      pending.push(
        parsed.ok
          ? rowToOutcome(parsed.row, item.raw, origin, deps)
          : Promise.resolve(
              reject(deps, {
                origin,
                field: parsed.error.field,
                reason: parsed.error.message,
                errorCode: 'INPUT_INVALID',
                originalBytes: item.raw,
              }),
            ),
      );
    }
    if (pending.length >= batchSize) await flush();
  }
  await flush();
  // The run's summary goes last, after every batch was acknowledged (analytics' ingest facts).
  const run = { file, system, producer: deps.producer, startedAt, finishedAt: deps.clock.now() };
  await deps.publisher.append([ingestRunCompleted(run, progress)]);
  const summary = { file, system, ...progress, elapsedMs: Date.now() - began };
  deps.logger.info({ file, system, ...progress, elapsedMs: summary.elapsedMs }, 'export ingested');
  return summary;
}

async function rowToOutcome(
  row: ExportRow,
  raw: Buffer,
  origin: { file: string; line: number },
  deps: IngestDeps,
): Promise<Outcome> {
  try {
    const linkageId = await deps.resolveLinkageId(row.my_number);
    return {
      event: toEvent(row, { linkageId, producer: deps.producer, clock: deps.clock }),
      rejected: false,
    };
  } catch (error) {
    // Expected refusals of this one row become dead letters; outages stop the run.
    if (!isTsunagiError(error) || error.retriable) throw error;
    return reject(deps, {
      origin,
      // The vault only ever refuses the My Number; error.path could name a file, not a column.
      field: 'my_number',
      reason: error.message,
      errorCode: error.code as ErrorCode,
      originalBytes: raw,
    });
  }
}

function reject(deps: IngestDeps, input: DeadLetterInput): Outcome {
  const event = deadLetterEvent(input, deps);
  deps.logger.warn(
    { source: event.data.source, reason: input.reason, errorCode: input.errorCode },
    'row rejected to the dead-letter topic',
  );
  return { event, rejected: true };
}
