import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Where an ingest run got to: the last line whose batch was acknowledged. Keyed by the
 * file's path, size and modification time, so a changed file starts from the top. The
 * checkpoint only saves time: re-publishing is harmless because event ids are deterministic.
 */
export interface Checkpoint {
  file: string;
  lastLine: number;
}

export function checkpointStore(dir: string) {
  const pathFor = (file: string): string => {
    const stat = statSync(file);
    const id = createHash('sha256')
      .update(`${resolve(file)}\0${stat.size}\0${stat.mtimeMs}`)
      .digest('hex')
      .slice(0, 24);
    return join(dir, `${id}.json`);
  };
  return {
    read(file: string): number {
      try {
        return (JSON.parse(readFileSync(pathFor(file), 'utf8')) as Checkpoint).lastLine;
      } catch {
        return 0;
      }
    },
    write(file: string, lastLine: number): void {
      mkdirSync(dir, { recursive: true });
      const target = pathFor(file);
      writeFileSync(`${target}.tmp`, JSON.stringify({ file: resolve(file), lastLine } satisfies Checkpoint));
      renameSync(`${target}.tmp`, target);
    },
  };
}
