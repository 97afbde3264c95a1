import fp from 'fastify-plugin';
import type { DisclosureRecorder } from '../../trail/recorder.js';
import type { ConsentCommands } from '../consent-commands.js';
import type { ResidentResolver } from '../ports.js';
import type { ReadinessCheck } from '../readiness.js';

/**
 * The gateway's external clients, each a plugin that decorates the instance with one port (as
 * fastify/demo's plugins/external do): routes and services name them in `dependencies`, so a
 * missing one fails at start, never at the first request. The caller (main.ts, the test gateway)
 * makes the clients and closes them; these plugins only hand them on.
 */
declare module 'fastify' {
  interface FastifyInstance {
    /** Appends disclosure records to the access trail (acks=all); `record` resolves with the position. */
    trail: DisclosureRecorder;
    /** The consent commands (grant, revoke, list, use) over the consents topic. */
    consentCommands: ConsentCommands;
    /** Agency codes and PPIDs → linkage id (the identity hub); the linkage id never leaves the hub. */
    residents: ResidentResolver;
  }
}

/** The access trail on Kafka; `broker` (Kafka reachable, the gateway's topics led) joins /readyz. */
export const trailClient = fp<{ recorder: DisclosureRecorder; broker?: ReadinessCheck | undefined }>(
  async (app, { recorder, broker }) => {
    app.decorate('trail', recorder);
    if (broker) app.readiness.add(broker);
  },
  { name: 'trail', dependencies: ['readiness'] },
);

export const consentCommandsClient = fp<{ commands: ConsentCommands }>(
  async (app, { commands }) => app.decorate('consentCommands', commands),
  { name: 'consent-commands' },
);

export const identityClient = fp<{ residents: ResidentResolver }>(
  async (app, { residents }) => app.decorate('residents', residents),
  { name: 'identity' },
);
