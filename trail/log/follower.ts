import { TsunagiError } from '../../core/errors.js';
import type { Logger } from '../../platform/logger.js';
import { leafHash } from './hashing.js';
import { integrate } from './integrate.js';
import { tileNodeReader } from './proofs.js';
import type { IntegratedState, TrailLogStore } from './store.js';
import { equalBytes, toBase64 } from './verifier/bytes.js';

/** One sequenced trail record: its offset on the single-partition trail topic and its entry bytes. */
export interface SequencedEntry {
  index: number;
  entry: Uint8Array;
}

export interface FollowerDeps {
  store: TrailLogStore;
  logger: Logger;
  /** Most leaves per integration (one lmdb transaction); default 2,000. */
  batchSize?: number;
  /** How long to wait for more entries before integrating a partial batch; default 20 ms. */
  lingerMs?: number;
  /** Called after each commit, e.g. to update gauges. */
  onIntegrated?: (state: IntegratedState) => void;
}

const LINGER = Symbol('linger');

/**
 * Integrates sequenced entries into the tree until the iterable ends. Guarantees: entries are taken
 * strictly in index order from the stored size on; an index already integrated is skipped when its
 * entry is identical (re-delivery is harmless) and refused with TRAIL_LOG_DIVERGED when it is not;
 * an index beyond the next expected one is refused with TRAIL_LOG_GAP. Before either refusal the
 * valid entries received so far are committed. Nothing is ever integrated out of order. Each
 * entry's bytes are stored with the tiles that cover it (one transaction), for proofs' readers.
 */
export async function followTrail(entries: AsyncIterable<SequencedEntry>, deps: FollowerDeps): Promise<void> {
  const { store } = deps;
  const logger = deps.logger.child({ component: 'trail-log' });
  const batchSize = deps.batchSize ?? 2_000;
  const lingerMs = deps.lingerMs ?? 20;
  let size = store.integrated().size;
  let batch: Uint8Array[] = [];
  let entryBatch: Uint8Array[] = [];

  const flush = () => {
    if (batch.length === 0) return;
    const integration = integrate(store.readTile, size, batch);
    store.commit(size, integration, entryBatch);
    size = integration.size;
    batch = [];
    entryBatch = [];
    deps.onIntegrated?.({ size, root: integration.root });
    logger.debug({ size, root: toBase64(integration.root) }, 'integrated');
  };

  const accept = ({ index, entry }: SequencedEntry) => {
    const expected = size + batch.length;
    if (index === expected) {
      batch.push(leafHash(entry));
      entryBatch.push(entry);
      return;
    }
    if (!Number.isSafeInteger(index) || index > expected) {
      flush();
      throw new TsunagiError(
        'TRAIL_LOG_GAP',
        `trail entry ${index} arrived where ${expected} was expected: entries are missing or reordered`,
        { path: `index ${index}` },
      );
    }
    const known =
      index >= size ? batch[index - size] : tileNodeReader(store.readTile)([{ level: 0, index }])[0];
    if (!equalBytes(known as Uint8Array, leafHash(entry))) {
      flush();
      throw new TsunagiError(
        'TRAIL_LOG_DIVERGED',
        `trail entry ${index} differs from the entry integrated at that index: the trail was rewritten`,
        { path: `index ${index}` },
      );
    }
    logger.debug({ index }, 'entry already integrated; skipped');
  };

  const iterator = entries[Symbol.asyncIterator]();
  let next = iterator.next();
  let timer: NodeJS.Timeout | undefined;
  const lingering = () =>
    new Promise<typeof LINGER>((resolve) => {
      timer = setTimeout(() => resolve(LINGER), lingerMs);
    });
  try {
    for (;;) {
      const result = batch.length === 0 ? await next : await Promise.race([next, lingering()]);
      clearTimeout(timer);
      if (result === LINGER) {
        flush();
        continue;
      }
      if (result.done) break;
      accept(result.value);
      next = iterator.next();
      if (batch.length >= batchSize) flush();
    }
    flush();
  } finally {
    clearTimeout(timer);
  }
}
