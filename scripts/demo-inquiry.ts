import { readFileSync } from 'node:fs';
import { call } from '../gateway/testing/tls.js';
import { openIdentityHub } from '../identity/identity-hub.js';
import { gatewayPort } from '../infra/app-services.js';
import type { InfraConfig } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import { projectionStoreRoot, readProjectionSettings } from '../projections/catalogue.js';
import { openProjectionViews } from '../projections/views.js';
import { ensureDemoPki } from './demo-pki.js';
import { firstDemoResident } from './demo-resident.js';

/**
 * Two agencies ask the gateway about the demo's first resident over mutual TLS: Osaka
 * (271004) for nursing-care premiums, which the legal-basis table permits, and Hello Work
 * for local-tax income, which it does not. Both answers are recorded in the trail first.
 */
export interface DemoAnswer {
  agency: string;
  officeWork: string;
  status: number;
  outcome: string;
  reason: string | null;
  trail?: { topic: string; partition: number; offset: string };
}

export async function demoInquiries(
  config: InfraConfig,
  logger: Logger,
  port = gatewayPort(),
): Promise<DemoAnswer[]> {
  const pki = await ensureDemoPki(config);
  const identity = await openIdentityHub(config, logger);
  const views = openProjectionViews({ storeRoot: projectionStoreRoot(config, readProjectionSettings()) });
  try {
    const linkageId = await firstDemoResident(config, identity);
    const provider =
      linkageId && views.itemsOf(linkageId).latest.find((i) => i.itemKind === 'LOCAL_TAX_INCOME')?.provider;
    if (!linkageId || !provider) {
      console.log('  no demo resident with local-tax income yet');
      return [];
    }
    const url = `https://127.0.0.1:${port}/v1/inquiries`;
    const ca = readFileSync(pki.caFile, 'utf8');
    const ask = async (agency: '271004' | 'hello-work', officeWork: string): Promise<DemoAnswer> => {
      // The agency links the resident first (issuance is an event the agency is told about).
      const agencyCode = await identity.codes.issueAgencyCode(agency, linkageId as never);
      const answer = await call(url, {
        ca,
        client: { ...pki.agency(agency), serial: '' },
        body: { agencyCode, officeWork, items: ['LOCAL_TAX_INCOME'], provider },
      });
      const item = answer.body.items?.[0];
      const where = item?.trail
        ? `trail ${item.trail.topic}/${item.trail.partition}@${item.trail.offset}`
        : '';
      console.log(
        `  ${agency.padEnd(10)} ${officeWork.padEnd(31)} → HTTP ${answer.status} ${item?.outcome ?? answer.body.code} ${item?.reason ?? item?.legalBasisRowId ?? ''} ${where}`,
      );
      const outcome = item?.outcome ?? answer.body.code;
      return {
        agency,
        officeWork,
        status: answer.status,
        outcome,
        reason: item?.reason ?? null,
        trail: item?.trail,
      };
    };
    return [
      await ask('271004', 'nursing-care-insurance-premium'),
      await ask('hello-work', 'unemployment-benefit'),
    ];
  } finally {
    await views.close();
    await identity.close();
  }
}
