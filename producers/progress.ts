import type { IngestProgress } from './ingest.js';

/**
 * A progress line on stderr: redrawn in place on a terminal, a plain line every few
 * seconds otherwise (CI logs). Counts only; never row contents.
 */
export function progressReporter(label: string, stream: NodeJS.WriteStream = process.stderr) {
  const began = Date.now();
  const interactive = stream.isTTY === true;
  const everyMs = interactive ? 200 : 5_000;
  let last = 0;
  const line = (p: IngestProgress) => {
    const seconds = (Date.now() - began) / 1000;
    const rate = seconds > 0 ? Math.round(p.read / seconds) : 0;
    return `[${label}] ${p.read.toLocaleString('en')} read · ${p.published.toLocaleString('en')} published · ${p.rejected.toLocaleString('en')} rejected${p.skipped ? ` · ${p.skipped.toLocaleString('en')} skipped (resumed)` : ''} · ${rate.toLocaleString('en')} rows/s`;
  };
  return {
    update(p: IngestProgress): void {
      if (Date.now() - last < everyMs) return;
      last = Date.now();
      stream.write(interactive ? `\r${line(p)}\x1b[K` : `${line(p)}\n`);
    },
    done(p: IngestProgress): void {
      stream.write(interactive ? `\r${line(p)}\x1b[K\n` : `${line(p)}\n`);
    },
  };
}
