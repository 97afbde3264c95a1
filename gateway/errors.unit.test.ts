import { describe, expect, it } from 'vitest';
import { pluginTestApp } from './testing/test-gateway.js';

/** Error bodies name the route, never the URL as sent: its segments may be a My Number or a PPID. */
describe('the error body’s path', () => {
  const app = pluginTestApp();
  app.get('/v1/residents/:ppid/consents', async () => {
    throw Object.assign(new Error('nope'), { statusCode: 400 });
  });

  it('is the matched route’s template', async () => {
    const answer = await app.inject({ method: 'GET', url: '/v1/residents/123456789018/consents?x=1' });
    expect(answer.json()).toMatchObject({ path: '/v1/residents/:ppid/consents' });
  });

  it('shows only route-shaped segments of an unmatched URL (found by fuzzing)', async () => {
    const answer = await app.inject({
      method: 'GET',
      url: '/v1/residents/123456789018/%E5%B1%B1/x.y/consent',
    });
    expect(answer.statusCode).toBe(404);
    expect(answer.json()).toEqual({
      code: 'NOT_FOUND',
      message: 'no such route',
      path: '/v1/residents/:segment/:segment/:segment/consent',
    });
  });
});
