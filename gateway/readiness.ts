import fp from 'fastify-plugin';
import type { Kafka } from 'kafkajs';

export interface ReadinessCheck {
  name: string;
  check(): boolean | Promise<boolean>;
}

const withTimeout = async (check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(check),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
};

/** Runs every check (each bounded by `timeoutMs`); ready only when all pass. */
export async function runReadiness(
  checks: readonly ReadinessCheck[],
  timeoutMs = 2_000,
): Promise<{ ready: boolean; checks: Record<string, boolean> }> {
  const results = await Promise.all(
    checks.map(async (c) => [c.name, await withTimeout(c.check, timeoutMs)] as const),
  );
  return { ready: results.every(([, ok]) => ok), checks: Object.fromEntries(results) };
}

/** Kafka is reachable and the topics the gateway writes exist with leaders. */
export function kafkaReadiness(kafka: Kafka, topics: readonly string[]): ReadinessCheck {
  return {
    name: 'kafka',
    async check() {
      const admin = kafka.admin();
      try {
        await admin.connect();
        const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
        return metadata.topics.every(
          (t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0),
        );
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
  };
}

/** The checks /readyz runs: each plugin that opens a store or talks to a server adds its own. */
export interface Readiness {
  add(check: ReadinessCheck): void;
  run(): ReturnType<typeof runReadiness>;
}

declare module 'fastify' {
  interface FastifyInstance {
    readiness: Readiness;
  }
}

/** Decorates `readiness`; a plugin that depends on 'readiness' may add checks to it. */
export const readinessPlugin = fp(
  async (app) => {
    const checks: ReadinessCheck[] = [];
    app.decorate('readiness', { add: (check) => void checks.push(check), run: () => runReadiness(checks) });
  },
  { name: 'readiness' },
);
