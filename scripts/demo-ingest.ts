import { join } from 'node:path';
import { systemClock } from '../core/clock.js';
import { infraPaths } from '../infra/paths.js';
import type { InfraConfig } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import { EXPORT_SYSTEMS } from '../producers/exports/systems.js';
import { openProducerHub } from '../producers/hub-wiring.js';
import { ingestExport } from '../producers/ingest.js';
import { generateExports } from '../producers/synthetic/generate.js';

/**
 * Demo data: deterministic synthetic exports of all five core systems (a few rows broken
 * on purpose), ingested through the producers into Kafka. Re-running publishes the same
 * event ids, which the views drop as duplicates.
 */
export async function demoIngest(config: InfraConfig, logger: Logger, residents = 300): Promise<void> {
  const outDir = join(infraPaths(config.home).data('demo'), 'exports');
  const manifest = await generateExports({ seed: 42, residents, outDir, format: 'csv', invalidRate: 0.01 });
  const hub = await openProducerHub(config, logger);
  try {
    for (const system of EXPORT_SYSTEMS) {
      const file = join(outDir, manifest.files[system].file);
      const s = await ingestExport(file, system, {
        publisher: hub.publisher,
        resolveLinkageId: (myNumber) => hub.identity.vault.enrol(myNumber),
        clock: systemClock,
        logger,
        producer: `demo-${system}`,
        vaultKeys: hub.vaultKeys,
      });
      console.log(
        `  ${system.padEnd(18)} read ${String(s.read).padStart(5)} · published ${String(s.published).padStart(5)} · dead-lettered ${s.rejected} · ${(s.elapsedMs / 1000).toFixed(1)} s`,
      );
    }
  } finally {
    await hub.close();
  }
}
