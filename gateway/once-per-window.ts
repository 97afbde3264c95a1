/**
 * `true` the first time a key is seen in each window of `windowMs`, `false` after, until the window
 * ends: one audit record per client and window, however often it repeats itself. Memory is bounded:
 * past `maxKeys` live keys, expired ones are dropped, and new keys are refused (no record) until
 * some expire, so a flood from many addresses cannot grow it.
 */
export function oncePerWindow(windowMs: number, maxKeys = 10_000, now: () => number = Date.now) {
  const until = new Map<string, number>();
  return (key: string): boolean => {
    const at = now();
    if ((until.get(key) ?? 0) > at) return false;
    if (until.size >= maxKeys) for (const [k, t] of until) if (t <= at) until.delete(k);
    if (until.size >= maxKeys) return false;
    until.set(key, at + windowMs);
    return true;
  };
}
