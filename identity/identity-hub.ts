import type { Kafka } from 'kafkajs';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../platform/logger.js';
import { Topics, topicName } from '../schemas/topics.js';
import { type CertificateBindings, createCertificateBindings } from './certificate-binding.js';
import { type CodeRegistry, createCodeRegistry } from './code-registry.js';
import type { RecordWire } from './identity-codecs.js';
import { openIdentityStore } from './identity-store.js';
import {
  createKafkaAgencyCodeLog,
  createKafkaCertificateBindingLog,
  createKafkaEnrolmentLog,
} from './kafka-enrolment-log.js';
import type { IdentityConfig } from './keys.js';
import { createVault, type Vault } from './vault.js';

export interface IdentityHub {
  vault: Vault;
  codes: CodeRegistry;
  certificates: CertificateBindings;
  close(): Promise<void>;
}

/**
 * Wires the identity hub for production: the lmdb store in `config.storeDir`, the vault's log on
 * `<prefix>identity-enrolments`, the code map's log on `<prefix>agency-codes`, the certificate
 * bindings' log on `<prefix>certificate-bindings` (all registry-framed). Pass `rebuild: true` after
 * restoring or losing the store: the three views are rebuilt by a replay of their topics before use.
 */
export async function createIdentityHub(deps: {
  config: IdentityConfig;
  kafka: Kafka;
  /** Frames the identity topics' records (platform/event-wire.ts). */
  wire: RecordWire;
  topicPrefix: string;
  clock: Clock;
  logger: Logger;
  rebuild?: boolean;
}): Promise<IdentityHub> {
  const { config, kafka, wire, topicPrefix, clock } = deps;
  const logger = deps.logger.child({ component: 'identity' });
  const store = openIdentityStore(config.storeDir);
  const enrolments = createKafkaEnrolmentLog({
    kafka,
    wire,
    topic: topicName(topicPrefix, Topics.identityEnrolments),
    logger,
  });
  const codeLog = createKafkaAgencyCodeLog({
    kafka,
    wire,
    topic: topicName(topicPrefix, Topics.agencyCodes),
    logger,
  });
  const certificateLog = createKafkaCertificateBindingLog({
    kafka,
    wire,
    topic: topicName(topicPrefix, Topics.certificateBindings),
    logger,
  });
  const { hubKeys, vaultKeys } = config;
  const hub: IdentityHub = {
    vault: createVault({ store, log: enrolments, keys: vaultKeys, clock, logger }),
    codes: createCodeRegistry({ store, log: codeLog, hubKeys, vaultKeys, clock, logger }),
    certificates: createCertificateBindings({ store, certificateLog, vaultKeys, clock, logger }),
    async close() {
      await Promise.allSettled([enrolments.close(), codeLog.close(), certificateLog.close()]);
      await store.close();
    },
  };
  if (deps.rebuild) {
    await hub.vault.rebuildFromLog();
    await hub.codes.rebuildFromLog();
    await hub.certificates.rebuildFromLog();
  }
  return hub;
}
