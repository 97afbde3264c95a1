import { z } from 'zod';
import { codeMapView } from '../identity/code-view.js';
import { revocationsView } from '../jpki/revocation-view.js';
import type { InfraConfig } from '../platform/config.js';
import { readEnv } from '../platform/env.js';
import { infraPaths } from '../platform/paths.js';
import type { ViewDefinition } from '../platform/view.js';
import { trailIndexView } from './access-trail.js';
import { consentsView } from './consents.js';
import { duplicateStoreView } from './duplicate-store.js';
import { residentRecordsView } from './resident-record.js';

export const ProjectionSettings = z.object({
  /** Root of the projection stores; default `<TSUNAGI_HOME>/projections`. */
  PROJECTION_STORE_DIR: z.string().optional(),
  /** Prometheus endpoint of `projections/cli.ts run` on 127.0.0.1 (applied, duplicates, gaps, lag); 0 disables it. */
  PROJECTION_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** Fetch size per partition: bigger batches, bigger transactions. */
  PROJECTION_FETCH_MAX_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
});
export type ProjectionSettings = z.infer<typeof ProjectionSettings>;

export const readProjectionSettings = (env: NodeJS.ProcessEnv = process.env) =>
  readEnv(ProjectionSettings, env);

export const projectionStoreRoot = (
  config: Pick<InfraConfig, 'home'>,
  settings: ProjectionSettings,
): string => settings.PROJECTION_STORE_DIR ?? infraPaths(config.home).data('projections');

export const PROJECTION_NAMES = [
  'resident-records',
  'information-items',
  'consents',
  'revocations',
  'access-trail',
  'code-map',
] as const;
export type ProjectionName = (typeof PROJECTION_NAMES)[number];

/**
 * The views the projector keeps, each defined once by its owner (projections/, identity/, jpki/) and
 * also run in memory where a process keeps its own copy (platform/memory-view.ts).
 */
export const VIEWS: Record<ProjectionName, ViewDefinition<unknown, unknown>> = {
  'resident-records': residentRecordsView,
  'information-items': duplicateStoreView,
  consents: consentsView,
  revocations: revocationsView,
  'access-trail': trailIndexView,
  'code-map': codeMapView,
};

export const isProjectionName = (value: string): value is ProjectionName =>
  (PROJECTION_NAMES as readonly string[]).includes(value);
