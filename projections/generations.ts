import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Each projection's store lives in `<root>/<projection>/gen-<stamp>` and `<root>/<projection>/current`
 * is a relative symlink to the generation in use. A replay builds a new generation beside it and
 * promotes it by renaming a fresh symlink over `current` (rename(2) is atomic), so a reader sees the
 * old generation or the new one, never a half-built one.
 */
export const CURRENT = 'current';

export const projectionDir = (root: string, projection: string): string => join(root, projection);

/** The generation folder `current` points to, or undefined before the first run. */
export function currentGeneration(root: string, projection: string): string | undefined {
  try {
    return join(
      projectionDir(root, projection),
      readlinkSync(join(projectionDir(root, projection), CURRENT)),
    );
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw cause;
  }
}

/** Creates an empty generation folder (not yet current) and returns its path. */
export function createGeneration(root: string, projection: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:.TZ]/g, '');
  const path = join(projectionDir(root, projection), `gen-${stamp}-${randomBytes(3).toString('hex')}`);
  mkdirSync(path, { recursive: true });
  return path;
}

/**
 * Points `current` at `generation` atomically, then deletes generations older than the one it
 * replaced (the replaced one is kept for a reader or writer still finishing on it, and for rollback).
 */
export function promoteGeneration(root: string, projection: string, generation: string): void {
  const dir = projectionDir(root, projection);
  const previous = currentGeneration(root, projection);
  const temporary = join(dir, `.current-${randomBytes(4).toString('hex')}`);
  symlinkSync(generation.slice(dir.length + 1), temporary);
  renameSync(temporary, join(dir, CURRENT));
  const keep = new Set([generation, previous].filter((g): g is string => g !== undefined));
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (entry.startsWith('gen-') && !keep.has(path)) rmSync(path, { recursive: true, force: true });
  }
}
