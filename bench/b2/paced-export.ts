import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * An export file offered at a fixed rate: its lines are written into a named pipe at `rowsPerSecond`,
 * and the real ingest reads the pipe as it would a file. For every `sampleEvery`-th resident seen
 * first in the file, the time its row was DUE is kept (the schedule, not the write, so a pipeline that
 * falls behind shows as latency: no coordinated omission), keyed by the My Number in memory only,
 * to look the resident up; never printed or stored.
 */
export interface PacedExport {
  fifo: string;
  due: Map<string, number>;
  finished: Promise<number>;
}

export function pacedExport(
  source: string,
  fifo: string,
  rowsPerSecond: number,
  sampleEvery: number,
): PacedExport {
  execFileSync('mkfifo', [fifo]);
  const due = new Map<string, number>();
  const finished = (async () => {
    const out = createWriteStream(fifo);
    const lines = createInterface({ input: createReadStream(source), crlfDelay: Number.POSITIVE_INFINITY });
    const seen = new Set<string>();
    const began = performance.now();
    let rows = -1; // the header line is not a row
    for await (const line of lines) {
      if (rows >= 0) {
        const at = began + (rows / rowsPerSecond) * 1000;
        const wait = at - performance.now();
        if (wait > 1) await sleep(wait);
        const myNumber = line.split(',', 3)[1] ?? '';
        if (!seen.has(myNumber)) {
          seen.add(myNumber);
          if (seen.size % sampleEvery === 0) due.set(myNumber, at);
        }
      }
      if (!out.write(`${line}\n`)) await new Promise<void>((drained) => out.once('drain', () => drained()));
      rows++;
    }
    await new Promise<void>((closed) => out.end(() => closed()));
    return rows;
  })();
  return { fifo, due, finished };
}
