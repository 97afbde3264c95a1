import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGeneration, promoteGeneration } from '../projections/generations.js';
import type { ProjectionViews } from '../projections/views.js';
import { projectionReadModel } from './read-model.js';
import { offlineGateway } from './testing/offline-gateway.js';
import { type AgencyPki, createAgencyPki } from './testing/tls.js';

let pki: AgencyPki;
beforeAll(async () => {
  pki = await createAgencyPki();
});

describe('/readyz runs the checks the plugins added', () => {
  const apps: FastifyInstance[] = [];
  afterAll(() => Promise.all(apps.map((app) => app.close())));
  const readyz = async (options: Parameters<typeof offlineGateway>[1]) => {
    const app = await offlineGateway(pki, options);
    apps.push(app);
    const answer = await app.inject({ method: 'GET', url: '/readyz' });
    return { status: answer.statusCode, body: answer.json() };
  };

  it('given the broker and the stores answer, then 200 ready with each check named', async () => {
    expect(
      await readyz({ broker: { name: 'broker', check: () => true }, inquiries: { ready: () => true } }),
    ).toEqual({
      status: 200,
      body: { status: 'ready', checks: { broker: true, stores: true } },
    });
  });

  it('given the broker is unreachable, then 503 not-ready naming it', async () => {
    const unreachable = {
      name: 'broker',
      check: async () => {
        throw new Error('connect ECONNREFUSED');
      },
    };
    expect(await readyz({ broker: unreachable, inquiries: { ready: () => true } })).toEqual({
      status: 503,
      body: { status: 'not-ready', checks: { broker: false, stores: true } },
    });
  });

  it('given the projector has not built the views, then 503 not-ready naming the stores', async () => {
    const answer = await readyz({
      broker: { name: 'broker', check: () => true },
      inquiries: { ready: () => false },
    });
    expect(answer).toMatchObject({ status: 503, body: { checks: { stores: false } } });
  });
});

describe("projectionReadModel's readiness", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'tsunagi-readyz-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const views = (positions: ProjectionViews['positions']) => ({ positions }) as ProjectionViews;
  const promote = (name: string) => promoteGeneration(root, name, createGeneration(root, name));

  const readable = () =>
    projectionReadModel(
      views(() => new Map()),
      root,
    ).ready?.();

  it('given no current generation of the views it reads, then not ready', () => {
    expect(readable()).toBe(false);
    promote('information-items');
    expect(readable()).toBe(false);
  });

  it('given both views exist and read, then ready; given a store that fails to read, then it throws (not ready)', () => {
    promote('resident-records');
    expect(readable()).toBe(true);
    const broken = projectionReadModel(
      views(() => {
        throw new Error('MDB_BAD_TXN');
      }),
      root,
    );
    expect(() => broken.ready?.()).toThrow('MDB_BAD_TXN');
  });
});
