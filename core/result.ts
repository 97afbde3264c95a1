/** Expected refusals are values, not exceptions (policy, consent, certificate status). */
export type Result<T, R = string> = ({ ok: true } & T) | { ok: false; reason: R; detail?: string };

export const refuse = <R>(reason: R, detail?: string): { ok: false; reason: R; detail?: string } =>
  detail === undefined ? { ok: false, reason } : { ok: false, reason, detail };
