import { z } from 'zod';
import { infraPaths } from '../infra/paths.js';
import type { InfraConfig } from '../platform/config.js';
import { readEnv } from '../platform/env.js';
import { Topics, topicName } from '../schemas/topics.js';
import { accessTrailProjection } from './access-trail.js';
import { codeMapProjection } from './code-map.js';
import { consentProjection } from './consents.js';
import { duplicateStoreProjection } from './duplicate-store.js';
import type { Projection } from './projection.js';
import { residentRecordProjection } from './resident-record.js';
import { revocationProjection } from './revocations.js';

export const ProjectionSettings = z.object({
  /** Root of the projection stores; default `<TSUNAGI_HOME>/projections`. */
  PROJECTION_STORE_DIR: z.string().optional(),
  /** Fetch size per partition: bigger batches, bigger transactions. */
  /** Prometheus endpoint of `projections/cli.ts run` on 127.0.0.1 (applied, duplicates, gaps, lag); 0 disables it. */
  PROJECTION_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  PROJECTION_FETCH_MAX_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
});
export type ProjectionSettings = z.infer<typeof ProjectionSettings>;

export const readProjectionSettings = (env: NodeJS.ProcessEnv = process.env) =>
  readEnv(ProjectionSettings, env);

export const projectionStoreRoot = (
  config: Pick<InfraConfig, 'home'>,
  settings: ProjectionSettings,
): string => settings.PROJECTION_STORE_DIR ?? infraPaths(config.home).data('projections');

/** Full topic names each projection reads; tests pass their own. */
export interface ProjectionTopics {
  residentRecords: string;
  informationItems: string;
  consents: string;
  certificateStatus: string;
  accessTrail: string;
  agencyCodes: string;
}

export const projectionTopics = (prefix: string): ProjectionTopics => ({
  residentRecords: topicName(prefix, Topics.residentRecords),
  informationItems: topicName(prefix, Topics.informationItems),
  consents: topicName(prefix, Topics.consents),
  certificateStatus: topicName(prefix, Topics.certificateStatus),
  accessTrail: topicName(prefix, Topics.accessTrail),
  agencyCodes: topicName(prefix, Topics.agencyCodes),
});

export const PROJECTION_NAMES = [
  'resident-records',
  'information-items',
  'consents',
  'revocations',
  'access-trail',
  'code-map',
] as const;
export type ProjectionName = (typeof PROJECTION_NAMES)[number];

export function projectionsFor(topics: ProjectionTopics): Record<ProjectionName, Projection<unknown>> {
  return {
    'resident-records': residentRecordProjection(topics.residentRecords) as Projection<unknown>,
    'information-items': duplicateStoreProjection(topics.informationItems) as Projection<unknown>,
    consents: consentProjection(topics.consents) as Projection<unknown>,
    revocations: revocationProjection(topics.certificateStatus) as Projection<unknown>,
    'access-trail': accessTrailProjection(topics.accessTrail) as Projection<unknown>,
    'code-map': codeMapProjection(topics.agencyCodes) as Projection<unknown>,
  };
}

export const isProjectionName = (value: string): value is ProjectionName =>
  (PROJECTION_NAMES as readonly string[]).includes(value);
