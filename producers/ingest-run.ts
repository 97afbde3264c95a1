import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { IngestRunCompleted } from '../schemas/events.js';

/** What one run has done so far (and, at its end, in all). */
export interface IngestProgress {
  read: number;
  published: number;
  rejected: number;
  /** Lines already acknowledged by an earlier run (resume), not read again. */
  skipped: number;
}

/**
 * The summary event appended after an ingest run's last batch was acknowledged: analytics counts
 * runs and rows per system from it. Only the file's base name is kept (a path could name a person's
 * folder). The id is derived from producer, file and start instant, so publishing it again after a
 * crash is dropped by consumers as a duplicate.
 */
export function ingestRunCompleted(
  run: { file: string; system: string; producer: string; startedAt: Date; finishedAt: Date },
  progress: IngestProgress,
): IngestRunCompleted {
  const file = basename(run.file);
  const eventId = `run-${createHash('sha256')
    .update(JSON.stringify([run.producer, run.system, file, run.startedAt.getTime()]))
    .digest('hex')
    .slice(0, 32)}`;
  return {
    type: 'IngestRunCompleted',
    envelope: {
      eventId,
      occurredAt: run.startedAt,
      recordedAt: run.finishedAt,
      producer: run.producer,
      correlationId: eventId,
    },
    data: {
      system: run.system,
      file,
      rowsRead: progress.read,
      rowsPublished: progress.published,
      rowsDeadLettered: progress.rejected,
      rowsSkipped: progress.skipped,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
    },
  };
}
