import { provision } from '../infra/provision.js';
import { infraUp, servicesUp } from '../infra/stack.js';
import { loadInfraConfig } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { demoAnalytics } from './demo-analytics.js';
import { demoEligibility } from './demo-eligibility.js';
import { demoIngest } from './demo-ingest.js';
import { demoInquiries } from './demo-inquiry.js';
import { demoJpkiEnv, ensureDemoJpki, refreshDemoCrl } from './demo-jpki.js';
import { demoLinks } from './demo-links.js';
import { demoNotifications } from './demo-notifications.js';
import { gatewayTlsEnv } from './demo-pki.js';
import { demoResidentPage } from './demo-resident-page.js';
import { demoResidentSignIn } from './demo-sign-in.js';
import { demoEventTravels } from './demo-travel.js';
import { demoViews } from './demo-views.js';
import { say, seconds } from './run-step.js';

/**
 * The run command (`npm start`): infrastructure up, provisioning, the services that exist,
 * and the demo flow. Servers stay up afterwards; `npm run infra -- down` stops them.
 */
const config = loadInfraConfig();
const logger = createLogger({ name: 'tsunagi' });

async function main(): Promise<void> {
  const began = Date.now();
  say('infra: Kafka, schema registry, ClickHouse (downloads once into .tsunagi/cache)');
  const up = await infraUp(config, logger);
  console.log(
    `nothing → infra up: ${seconds(up.elapsedMs)} (started: ${up.started.join(', ') || 'none'}; already up: ${up.alreadyUp.join(', ') || 'none'})`,
  );

  say('provisioning: topics, schemas, analytics database');
  await provision(config, logger);

  say('demo JPKI: test PKI and two demo cards (once, git-ignored), a fresh CRL onto certificate-status');
  const jpki = await ensureDemoJpki(config);
  const crl = await refreshDemoCrl(config, jpki, createLogger({ name: 'tsunagi', level: 'warn' }));
  console.log(
    `  ${jpki.dir}: ${crl.ok ? `CRL valid until ${crl.nextUpdate.toISOString()}` : `CRL refused (${crl.reason})`}`,
  );

  say(
    'services: projector (exactly-once views), analytics sink (ClickHouse facts), subscriptions (agency notifications), notices (eligibility notices), trail log (Merkle log, signed checkpoints), gateway (mutual TLS, resident page)',
  );
  const services = await servicesUp(config, logger, {
    ...(await gatewayTlsEnv(config)),
    ...demoJpkiEnv(jpki),
  });
  console.log(
    `services up in ${seconds(services.elapsedMs)} (started: ${services.started.join(', ') || 'none'}; already up: ${services.alreadyUp.join(', ') || 'none'})`,
  );

  say('demo: an event travels through Kafka');
  await demoEventTravels(config, logger);

  say('demo: synthetic exports of the five core systems → producers → Kafka');
  const quiet = createLogger({ name: 'tsunagi', level: 'warn' });
  await demoIngest(config, quiet);

  say("demo: the projector's views");
  await demoViews(config, quiet);

  say('demo: agency subscriptions (each notification recorded in the trail before it is sent)');
  await demoNotifications(config, quiet);

  say('demo: agencies ask the gateway (mutual TLS); the trail is written before each answer');
  const answers = await demoInquiries(config, quiet);

  say('demo: residents sign in with their My Number Card (demo cards from the test PKI)');
  await demoResidentSignIn(config, quiet);

  say("demo: the resident's page — who accessed my information, each entry verified against the signed log");
  const lastInquiry = Math.max(-1, ...answers.map((a) => Number(a.trail?.offset ?? -1)));
  await demoResidentPage(config, lastInquiry);

  say('demo: push-type administration: eligibility notices from the events already received');
  await demoEligibility(config, quiet);

  say(
    'demo: an agency links a resident at application time; the public-money account, only for a benefit payment',
  );
  await demoLinks(config, quiet);

  say('demo: what an analyst sees (read-only ClickHouse user; small cells suppressed as x)');
  await demoAnalytics(config);

  console.log(
    `\nTsunagi is up (${seconds(Date.now() - began)}). Status: npm run infra -- status · Stop: npm run infra -- down`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
