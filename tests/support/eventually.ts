import { setTimeout as sleep } from 'node:timers/promises';

/** Polls until `check` holds (or gives up after `timeoutMs`, returning the last value). */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && check(value)) return value;
    if (Date.now() > deadline) return value as T;
    await sleep(250);
  }
}
