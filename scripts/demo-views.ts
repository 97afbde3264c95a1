import { setTimeout as sleep } from 'node:timers/promises';
import type { InfraConfig } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import { openProducerHub } from '../producers/hub-wiring.js';
import { projectionStoreRoot, readProjectionSettings } from '../projections/catalogue.js';
import { openProjectionViews } from '../projections/views.js';
import { firstDemoResident } from './demo-resident.js';

/**
 * Shows the projector's views catching up with the demo data, for the first resident of the
 * demo's resident-registry export: counts and codes only, no personal data on the console.
 */
export async function demoViews(config: InfraConfig, logger: Logger): Promise<void> {
  const hub = await openProducerHub(config, logger);
  const linkageId = await firstDemoResident(config, hub.identity).finally(() => hub.close());
  if (!linkageId) return;
  const views = openProjectionViews({ storeRoot: projectionStoreRoot(config, readProjectionSettings()) });
  try {
    for (let waited = 0; waited < 30_000; waited += 250) {
      const record = views.residentRecord(linkageId);
      const { latest, history } = views.itemsOf(linkageId);
      if (record && latest.length > 0) {
        console.log(
          `  resident #1: status ${record.status}, registered in ${record.currentMunicipality ?? '—'}, record sequence ${record.sequence}`,
        );
        console.log(
          `  duplicate store: ${latest.length} current items (${[...new Set(latest.map((i) => i.itemKind))].join(', ')}), ${history.length} in history`,
        );
        console.log(
          `  sequence gaps reported: ${views.gaps().length} (rows rejected to the dead-letter topic leave gaps)`,
        );
        return;
      }
      await sleep(250);
    }
    console.log('  the projector has not caught up within 30 s; see .tsunagi/logs/projector.log');
  } finally {
    await views.close();
  }
}
