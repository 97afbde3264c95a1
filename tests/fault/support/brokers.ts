import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KAFKA_VERSION, kafkaServices } from '../../../infra/kafka.js';
import { kafkaNodes } from '../../../infra/kafka-cluster.js';
import { runningPid, stopProcess } from '../../../infra/process.js';
import { registryService } from '../../../infra/registry.js';
import { ensureUp, type InfraService } from '../../../infra/service.js';
import type { InfraConfig } from '../../../platform/config.js';
import { createKafka } from '../../../platform/kafka.js';
import type { Logger } from '../../../platform/logger.js';

/** SIGKILL of a process this tier started (by its recorded PID); resolves once it is gone. */
export async function sigkill(service: InfraService): Promise<number> {
  const pid = runningPid(service.process);
  if (pid === undefined) throw new Error(`${service.name} is not running`);
  process.kill(pid, 'SIGKILL');
  for (let waited = 0; waited < 10_000; waited += 50) {
    try {
      process.kill(pid, 0);
    } catch {
      return pid;
    }
    await sleep(50);
  }
  throw new Error(`${service.name} (pid ${pid}) survived SIGKILL`);
}

/** Stops every given server that runs (SIGTERM, then SIGKILL), by recorded PID. */
export async function stopServers(servers: readonly InfraService[]): Promise<string[]> {
  const stopped: string[] = [];
  for (const s of [...servers].reverse()) if (await stopProcess(s.process, 30_000)) stopped.push(s.name);
  return stopped;
}

/** How long a restarted node may take to become a registered, unfenced broker again. */
const RESTART_TIMEOUT_MS = 240_000;

/** The three nodes of the fault cluster, by node id, and what the tests do to them. */
export function clusterControl(config: InfraConfig, logger: Logger) {
  const nodes = () => kafkaServices(config);
  const node = (nodeId: number): InfraService => {
    const found = nodes()[nodeId - 1];
    if (!found) throw new Error(`no Kafka node ${nodeId}`);
    return found;
  };
  const admin = () => createKafka(config, logger, { principal: 'admin', clientId: 'fault-admin' }).admin();

  return {
    node,
    kill: (nodeId: number) => sigkill(node(nodeId)),
    /** Starts the node again (as `infra up` does) and waits until it is a registered, unfenced broker. */
    async start(nodeId: number): Promise<number> {
      const began = Date.now();
      // A SIGKILLed node recovers every partition's log (unclean shutdown) before it registers: on a
      // loaded 2-core machine with a few hundred partitions that took longer than infra's 90 s.
      await ensureUp({ ...node(nodeId), startupTimeoutMs: RESTART_TIMEOUT_MS }, logger);
      return Date.now() - began;
    },
    /** The partition's leader and in-sync replicas, as the cluster's metadata says now. */
    async partition(topic: string, partition = 0): Promise<{ leader: number; isr: number[] }> {
      const a = admin();
      await a.connect();
      try {
        const { topics } = await a.fetchTopicMetadata({ topics: [topic] });
        const p = topics[0]?.partitions.find((x) => x.partitionId === partition);
        return { leader: p?.leader ?? -1, isr: p?.isr ?? [] };
      } finally {
        await a.disconnect();
      }
    },
    /** Waits until every partition of the topics has all three replicas in sync again. */
    async untilInSync(topics: string[], timeoutMs = 120_000): Promise<number> {
      const began = Date.now();
      const a = admin();
      await a.connect();
      try {
        while (Date.now() - began < timeoutMs) {
          const { topics: meta } = await a.fetchTopicMetadata({ topics }).catch(() => ({ topics: [] }));
          if (
            meta.length === topics.length &&
            meta.every((t) => t.partitions.every((p) => p.leader >= 0 && p.isr.length === 3))
          )
            return Date.now() - began;
          await sleep(500);
        }
        throw new Error(`replicas of ${topics.join(', ')} not back in sync after ${timeoutMs} ms`);
      } finally {
        await a.disconnect();
      }
    },
  };
}
export type ClusterControl = ReturnType<typeof clusterControl>;

/** The tier's schema registry: SIGKILLed by its recorded PID, started again as `infra up` does. */
export function registryControl(config: InfraConfig, logger: Logger) {
  const service = registryService(config);
  return {
    url: config.registryUrl,
    kill: () => sigkill(service),
    /** Starts it again (if it is not running) and waits until it answers; returns how long that took. */
    async start(): Promise<number> {
      const began = Date.now();
      // A loaded 2-core machine took up to a minute; infra's 120 s leaves too little margin for CI.
      await ensureUp({ ...service, startupTimeoutMs: RESTART_TIMEOUT_MS }, logger);
      return Date.now() - began;
    },
  };
}
export type RegistryControl = ReturnType<typeof registryControl>;

/**
 * The offsets each node holds of one partition, read from its own log files on disk with Kafka's
 * DumpLogSegments (a stopped node's files are as it left them): node id → [first, last] offset
 * ranges of its record batches.
 */
export async function replicaOffsets(
  config: InfraConfig,
  topic: string,
  partition = 0,
): Promise<Map<number, Array<[bigint, bigint]>>> {
  const libs = join(config.home, 'cache', `kafka-${KAFKA_VERSION}`, 'libs');
  const result = new Map<number, Array<[bigint, bigint]>>();
  for (const node of kafkaNodes(config)) {
    const dir = join(node.dataDir, 'logs', `${topic}-${partition}`);
    const files = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.log'))
          .map((f) => join(dir, f))
      : [];
    if (files.length === 0) {
      result.set(node.nodeId, []);
      continue;
    }
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        'java',
        ['-Xmx128m', '-cp', `${libs}/*`, 'kafka.tools.DumpLogSegments', '--files', files.join(',')],
        { maxBuffer: 256 * 1024 * 1024 },
        (error, out) => (error ? reject(error) : resolve(out)),
      ),
    );
    const ranges = [...stdout.matchAll(/baseOffset: (\d+) lastOffset: (\d+)/g)].map(
      (m) => [BigInt(m[1] as string), BigInt(m[2] as string)] as [bigint, bigint],
    );
    result.set(node.nodeId, ranges);
  }
  return result;
}

/** How many nodes' logs hold the offset. */
export const copiesOf = (replicas: Map<number, Array<[bigint, bigint]>>, offset: bigint): number =>
  [...replicas.values()].filter((ranges) => ranges.some(([first, last]) => offset >= first && offset <= last))
    .length;
