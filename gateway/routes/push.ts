import type { FastifyPluginAsync } from 'fastify';
import type { GatewayMetrics } from '../metrics.js';
import type { ResidentResolver } from '../ports.js';
import type { SessionTokens } from '../resident/session-token.js';
import { type LedgerRoutesOptions, ledgerRoutes } from './ledger.js';
import { type LinkRoutesOptions, linkRoutes } from './links.js';
import { type NoticeRoutesOptions, noticeRoutes } from './notices.js';

/** What push-type administration adds to the gateway (issue 15): linking, the ledger, the inbox. */
export interface PushDeps {
  linking: LinkRoutesOptions['linking'];
  linksPerMinute: number;
  ledger: LedgerRoutesOptions['ledger'];
  inbox: NoticeRoutesOptions['inbox'];
}

/**
 * Mounts `POST /v1/links` (agencies) and, when residents can sign in, the resident's ledger
 * (`/v1/resident/account`, `/v1/resident/contact`) and inbox (`/v1/resident/notices`).
 */
export const pushRoutes: FastifyPluginAsync<
  PushDeps & { metrics: GatewayMetrics; residents: ResidentResolver; sessions?: SessionTokens }
> = async (app, options) => {
  await app.register(linkRoutes, options);
  const { sessions } = options;
  if (!sessions) return;
  await app.register(ledgerRoutes, { ...options, sessions });
  await app.register(noticeRoutes, { ...options, sessions });
};
