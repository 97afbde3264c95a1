import { systemClock } from '../../core/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { ProducerHub } from '../../producers/hub-wiring.js';
import type { IngestDeps } from '../../producers/ingest.js';

/** What `ingestExport` needs, from a producer hub, as `npm run ingest` wires it (producer name `bench`). */
export const ingestDeps = (hub: ProducerHub, logger: Logger): IngestDeps => ({
  publisher: hub.publisher,
  resolveLinkageId: (myNumber) => hub.identity.vault.enrol(myNumber),
  clock: systemClock,
  logger,
  producer: 'bench',
  vaultKeys: hub.vaultKeys,
});
