import type { FastifyInstance } from 'fastify';

/**
 * Every answer is measured (the request histogram, by route pattern and status); only answers that
 * are not a success are logged, at `info`: a refusal or failure is what an operator looks for, and a
 * line per successful inquiry cost 7 % of the gateway's CPU (bench/RESULTS.md, B1). Successes are
 * logged at `debug`. URLs can carry PPIDs: the route pattern is logged and measured, never the URL.
 */
export function logRequests(app: FastifyInstance): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    const ms = reply.elapsedTime;
    app.metrics.requests.observe({ method: request.method, route, status: String(status) }, ms / 1000);
    const level = status >= 400 ? 'info' : 'debug';
    request.log[level]({ method: request.method, route, status, ms: Math.round(ms) }, 'request');
    done();
  });
}
